import FuzzDriver
import TedgeProviderAPI
import TedgeRuntime
import TedgeTOML

/// tedge.toml and system.toml: parse any text; what parses must survive being written and read again.
/// Flow files and params.toml: the full reader must refuse or accept any text without crashing.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigFiles(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    if let document = try? TOMLDocument(parsing: text) {
        guard let again = try? TOMLDocument(parsing: document.text) else {
            fatalError("written TOML does not parse: \(document.text)")
        }
        precondition(again.text == document.text, "TOML round trip differs")
    }
    _ = try? InitSystem.parse(text, path: "/fuzz/system.toml")
    _ = try? TOMLTable(parsing: text)
    return 0
}

/// The process entry point SwiftPM links as `main`: libFuzzer's driver, with this file's target.
@_cdecl("FuzzConfigFiles_main")
public func FuzzConfigFilesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv) { data, size in fuzzConfigFiles(data, size) }
}
