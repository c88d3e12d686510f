// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets, kept out of the main package: `-sanitize=fuzzer` brings its own `main`.
// Build and run with scripts/fuzz. (The fuzzer runtime path is the Swift 6.3 toolchain's clang 21.)
// SwiftPM links executables with `main` defined as `<Module>_main`, so each target defines that and
// hands over to libFuzzer's driver; the fuzzer runtime is linked without its own main.
let fuzzerFlags: [SwiftSetting] = [.unsafeFlags(["-parse-as-library", "-sanitize=fuzzer,address"])]
let fuzzerLink: [LinkerSetting] = [.unsafeFlags(["-sanitize=address",
    "-Xlinker", "/opt/swift/usr/lib/clang/21/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a", "-lstdc++"])]

let package = Package(
    name: "tedge-fuzz",
    dependencies: [.package(name: "tedge-swift", path: "..")],
    targets: [
        // libFuzzer's driver, called from each target's entry point.
        .target(name: "FuzzDriver", swiftSettings: fuzzerFlags),
        .executableTarget(name: "FuzzThinEdgeJSON", dependencies: ["FuzzDriver", .product(name: "TedgeProviderAPI", package: "tedge-swift")],
                          swiftSettings: fuzzerFlags, linkerSettings: fuzzerLink),
        .executableTarget(name: "FuzzConfigFiles", dependencies: [
            "FuzzDriver", .product(name: "TedgeProviderAPI", package: "tedge-swift"), .product(name: "TedgeRuntime", package: "tedge-swift"),
            .product(name: "TedgeTOML", package: "tedge-swift"),
        ],
                          swiftSettings: fuzzerFlags, linkerSettings: fuzzerLink),
        .executableTarget(name: "FuzzTeTopics",
                          dependencies: ["FuzzDriver", .product(name: "TedgeTopics", package: "tedge-swift")],
                          swiftSettings: fuzzerFlags, linkerSettings: fuzzerLink),
        .executableTarget(name: "FuzzMQTTPacket",
                          dependencies: ["FuzzDriver", .product(name: "TedgeMQTTCodec", package: "tedge-swift")],
                          swiftSettings: fuzzerFlags, linkerSettings: fuzzerLink),
    ]
)
