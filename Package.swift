// swift-tools-version:6.0
import PackageDescription

// Layout: C libraries sit behind one Swift wrapper module each (Mosquitto, OpenSSL, JSON over jansson);
// Core is the framework and knows no concrete cloud; providers import Core only;
// the `tedge` executable is the composition root that knows which providers exist.
let package = Package(
    name: "tedge-swift",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tedge", targets: ["tedge"]),
        .executable(name: "tedge-mapper", targets: ["tedge-mapper"]),
        .executable(name: "tedge-cloud-sim", targets: ["tedge-cloud-sim"]),
        .library(name: "Core", targets: ["Core"]),
        // The provider contract, for any provider's test target.
        .library(name: "CloudProviderTesting", targets: ["CloudProviderTesting"]),
        // The mapper's own MQTT 3.1.1 data plane (for the fuzz package as well).
        .library(name: "TedgeMQTTSession", targets: ["TedgeMQTTSession"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries (system libraries found through pkg-config, installed by scripts/install-deps).
        .systemLibrary(name: "CMosquitto", pkgConfig: "libmosquitto",
                       providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CJansson", pkgConfig: "jansson",
                       providers: [.apt(["libjansson-dev"])]),

        // One owning Swift wrapper per C library.
        .target(name: "Mosquitto", dependencies: ["CMosquitto"]),
        .target(name: "OpenSSL", dependencies: ["COpenSSL"]),
        .target(name: "JSON", dependencies: ["CJansson"]),

        // The MQTT vocabulary shared by the libmosquitto wrapper and the mapper's own session.
        .target(name: "TedgeMessaging", path: "Sources/Core/Messaging"),
        // The mapper's data plane: MQTT 3.1.1 over a poll(2) loop, stdlib and Glibc only (no Foundation,
        // Dispatch, concurrency or threads), acknowledging an input only after its outputs are acknowledged.
        .target(name: "TedgeMQTTSession", dependencies: ["TedgeMessaging"], path: "Sources/Core/MQTTSession"),

        // The framework.
        .target(name: "Core", dependencies: ["Mosquitto", "OpenSSL", "JSON"],
                exclude: ["Messaging", "MQTTSession"]),

        // Built-in providers: describe, never act.
        .target(name: "CloudAzure", dependencies: ["Core"]),
        .target(name: "CloudC8y", dependencies: ["Core"]),

        // Third-party-style providers: plain modules that import Core's public API only.
        .target(name: "CloudAws", dependencies: ["Core"], path: "Plugins/CloudAws", exclude: ["README.md"]),

        // The contract kit every provider's tests run.
        .target(name: "CloudProviderTesting", dependencies: ["Core"]),

        // The composition root: the one module that knows which providers exist.
        .target(name: "Composition", dependencies: ["Core", "CloudAzure", "CloudC8y", "CloudAws"]),

        // Executables.
        .executableTarget(name: "tedge", dependencies: [
            "Core", "Composition",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Kept free of ArgumentParser and Foundation: its resident memory is a product figure.
        .executableTarget(name: "tedge-mapper", dependencies: ["Core", "Composition"]),
        .target(name: "CloudSimulator", dependencies: ["Core", "OpenSSL"]),
        .executableTarget(name: "tedge-cloud-sim", dependencies: [
            "Core", "CloudSimulator", "OpenSSL",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Benchmarks (not tests): figures in the README.
        .executableTarget(name: "c-relay", path: "Benchmarks/CRelay", linkerSettings: [.linkedLibrary("mosquitto")]),
        .executableTarget(name: "tedge-benchmark", dependencies: ["Core"], path: "Benchmarks/MapperBenchmark"),
        .executableTarget(name: "tedge-converter-benchmark", dependencies: ["Core", "CloudAzure"], path: "Benchmarks/ConverterBenchmark"),

        // Tests.
        .testTarget(name: "CoreTests", dependencies: ["Core"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CloudAzureTests", dependencies: ["CloudAzure", "Core"], resources: [.copy("Fixtures")]),
        .testTarget(name: "CloudAwsTests", dependencies: ["CloudAws", "Core"]),
        .testTarget(name: "ProviderContractTests", dependencies: ["CloudProviderTesting", "CloudAzure", "CloudC8y", "CloudAws", "Composition", "Core"]),
        .testTarget(name: "CloudC8yTests", dependencies: ["CloudC8y", "Core"], resources: [.copy("Fixtures")]),
        .testTarget(name: "MQTTSessionTests", dependencies: ["TedgeMQTTSession", "TedgeMessaging"]),
        // Drives the built binaries (`swift build` first) with real brokers and the simulator.
        .testTarget(name: "EndToEndTests", dependencies: ["Core"]),
    ]
)
