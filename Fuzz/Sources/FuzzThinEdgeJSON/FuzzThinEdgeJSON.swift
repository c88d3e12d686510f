import FuzzDriver
import TedgeProviderAPI

/// Thin Edge JSON: parse any bytes; what parses must serialise and parse back to the same measurement.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzThinEdgeJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch ThinEdgeJSON.parse(bytes) {
    case .success(let measurement):
        let text = ThinEdgeJSONSerializer.serialize(measurement)
        guard case .success(let again) = ThinEdgeJSON.parse(Array(text.utf8)), again == measurement else {
            fatalError("round trip changed the measurement: \(text)")
        }
    case .failure(let error):
        precondition(error.description.hasPrefix("Invalid JSON: "))
    }
    return 0
}

/// The process entry point SwiftPM links as `main`: libFuzzer's driver, with this file's target.
@_cdecl("FuzzThinEdgeJSON_main")
public func FuzzThinEdgeJSONMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    FuzzDriver.run(argc, argv) { data, size in fuzzThinEdgeJSON(data, size) }
}
