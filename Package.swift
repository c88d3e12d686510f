// swift-tools-version:6.2
import Foundation
import PackageDescription

// The one version of the binaries and the .deb (scripts/package reads the same file).
let version = ((try? String(contentsOfFile: Context.packageDirectory + "/VERSION", encoding: .utf8)) ?? "0.0.0-unknown")
    .trimmingCharacters(in: .whitespacesAndNewlines)

// The module graph (docs/architecture.md draws it). Every module of ours is named `Tedge…`, so a
// package outside this tree can depend on our products whatever its own modules are called.
//
//   C libraries ── one owning Swift wrapper each: TedgeMosquitto, TedgeOpenSSL, TedgeJSON
//   TedgeMessaging        the MQTT message vocabulary, shared by both MQTT clients and the providers
//   TedgeTOML             tedge.toml / system.toml syntax
//   TedgeThinEdgeJSON     Thin Edge JSON: parser, serialiser, timestamps
//   TedgeTopics           the `te/` topic scheme, entities, their store and service health (pure)
//   TedgeProviderAPI      what a provider imports: the protocol and the values it returns; no I/O
//   TedgeSystem           files, locks, the console, the config store
//   TedgeRuntime          what acts: connect, checks, services, processes, HTTPS (the CLI's engine)
//   TedgeOperations       cloud operations: methods, twin and cloud-to-device messages, and their handlers
//   TedgeMapper           the mapper daemon's engine
//   providers             TedgeCloudAzure, TedgeCloudC8y, TedgeCloudAws (a plugin): import TedgeProviderAPI only
//   TedgeComposition      the built-in registry: the one module that knows which providers exist
//   TedgeCLI              the `tedge` command line as a library: `TedgeCLI.main(registry:)`
// What the mapper links is compiled without the implicit `_StringProcessing` import: regex support is
// about a megabyte of code the mapper never needs, and its resident memory is a product figure.
// SwiftPM has no setting for it, so it is an unsafe flag, and library products carry it. Tools version
// 6.2 is what lets a package depend on ours by version all the same: from 6.2, SwiftPM accepts
// unsafe flags in a versioned dependency whose manifest says 6.2 or later (before, it refuses the
// product: "contains unsafe build flags"). scripts/check-example proves it with a tagged git URL.
let mapperLean: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-disable-implicit-string-processing-module-import"])]

// The mapper exports no symbols (the Swift driver links executables with --export-dynamic: thousands of names the
// dynamic loader would look through for every symbol it binds, faulting in pages of them at each start).
let mapperLinking: [LinkerSetting] = [.unsafeFlags(["-Xlinker", "--no-export-dynamic"])]
// The bridge also binds every imported function at load (`-z now`): lazy binding looks each one up at its first
// call, faulting the libraries' symbol tables back in during every phase after start-up gave them back.
let bridgeLinking: [LinkerSetting] = mapperLinking + [.unsafeFlags(["-Xlinker", "-z", "-Xlinker", "now"])]

let package = Package(
    name: "tedge-swift",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tedge", targets: ["tedge"]),
        .executable(name: "tedge-mapper", targets: ["tedge-mapper"]),
        .executable(name: "tedge-mapper-bridge", targets: ["tedge-mapper-bridge"]),
        .executable(name: "tedge-cloud-sim", targets: ["tedge-cloud-sim"]),
        // What a package outside this tree builds on: the provider API, the contract kit, the
        // built-in clouds, and the two entry points to build its own `tedge` and `tedge-mapper`.
        .library(name: "TedgeProviderAPI", targets: ["TedgeProviderAPI"]),
        .library(name: "TedgeCloudProviderTesting", targets: ["TedgeCloudProviderTesting"]),
        .library(name: "TedgeComposition", targets: ["TedgeComposition"]),
        .library(name: "TedgeCLI", targets: ["TedgeCLI"]),
        .library(name: "TedgeMapper", targets: ["TedgeMapper"]),
        // For the fuzz targets (Fuzz/).
        .library(name: "TedgeTOML", targets: ["TedgeTOML"]),
        .library(name: "TedgeRuntime", targets: ["TedgeRuntime"]),
        // The mapper's own MQTT 3.1.1 data plane, and the packet codec it shares with the simulator (fuzzed).
        .library(name: "TedgeMQTTSession", targets: ["TedgeMQTTSession"]),
        // The durable store of cloud-bound messages the built-in bridge sends from.
        .library(name: "TedgeDurableStore", targets: ["TedgeDurableStore"]),
        .library(name: "TedgeMQTTCodec", targets: ["TedgeMQTTCodec"]),
        // The `te/` topic and registration parsers (for the fuzz package as well).
        .library(name: "TedgeTopics", targets: ["TedgeTopics"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // C libraries (system libraries found through pkg-config, installed by scripts/install-deps).
        .systemLibrary(name: "CTedgeMosquitto", path: "Sources/Libraries/CMosquitto", pkgConfig: "libmosquitto",
                       providers: [.apt(["libmosquitto-dev"])]),
        .systemLibrary(name: "CTedgeOpenSSL", path: "Sources/Libraries/COpenSSL", pkgConfig: "openssl",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CTedgeJansson", path: "Sources/Libraries/CJansson", pkgConfig: "jansson",
                       providers: [.apt(["libjansson-dev"])]),
        .systemLibrary(name: "CTedgeSQLite", path: "Sources/Libraries/CSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CTedgeLua", path: "Sources/Libraries/CLua", pkgConfig: "lua5.4",
                       providers: [.apt(["liblua5.4-dev"])]),

        // The version string, compiled in from VERSION (wrapped by TedgeSystem's TedgeVersion).
        .target(name: "CTedgeVersion", path: "Sources/Libraries/CVersion",
                cSettings: [.define("TEDGE_VERSION", to: "\"\(version)\"")]),

        // One owning Swift wrapper per C library.
        .target(name: "TedgeMosquitto", dependencies: ["CTedgeMosquitto", "TedgeMessaging"],
                path: "Sources/Libraries/Mosquitto"),
        // TedgeHTTPProxy (stdlib only): the CONNECT request and the proxy's answer, one text for HTTPS and the bridge.
        .target(name: "TedgeOpenSSL", dependencies: ["CTedgeOpenSSL", "TedgeHTTPProxy"], path: "Sources/Libraries/OpenSSL",
                swiftSettings: mapperLean),
        .target(name: "TedgeJSON", dependencies: ["CTedgeJansson"], path: "Sources/Libraries/JSON", swiftSettings: mapperLean),
        // Stdlib and Glibc only: the mapper will link it.
        .target(name: "TedgeSQLite", dependencies: ["CTedgeSQLite"], path: "Sources/Libraries/SQLite", swiftSettings: mapperLean),
        // A sandboxed Lua 5.4 state with memory and instruction limits, for flow script steps; stdlib and Glibc only.
        .target(name: "TedgeLua", dependencies: ["CTedgeLua"], path: "Sources/Libraries/Lua", swiftSettings: mapperLean),

        // The framework, split by concern (Sources/Core/<concern>).
        .target(name: "TedgeMessaging", path: "Sources/Core/Messaging", swiftSettings: mapperLean),
        .target(name: "TedgeTOML", path: "Sources/Core/TOML", swiftSettings: mapperLean),
        .target(name: "TedgeThinEdgeJSON", dependencies: ["TedgeMessaging", "TedgeJSON"],
                path: "Sources/Core/ThinEdgeJSON", swiftSettings: mapperLean),
        .target(name: "TedgeTopics", dependencies: ["TedgeMessaging", "TedgeThinEdgeJSON"],
                path: "Sources/Core/Topics", swiftSettings: mapperLean),
        .target(name: "TedgeProviderAPI", dependencies: ["TedgeMessaging", "TedgeThinEdgeJSON", "TedgeTOML", "TedgeTopics"],
                path: "Sources/Core/ProviderAPI", swiftSettings: mapperLean),
        .target(name: "TedgeSystem", dependencies: ["TedgeProviderAPI", "TedgeTOML", "CTedgeVersion"],
                path: "Sources/Core/System", swiftSettings: mapperLean),
        .target(name: "TedgeRuntime", dependencies: [
            "TedgeProviderAPI", "TedgeSystem", "TedgeTOML", "TedgeMosquitto", "TedgeOpenSSL", "TedgeHTTPProxy",
        ], path: "Sources/Core/Runtime"),
        // One MQTT 3.1.1 packet codec for the mapper's session and the simulator, as mosquitto compiles one
        // into its client library and its broker: frames (fixed header, bounded length, raw bytes) and the
        // typed decode and encode above them. Stdlib only.
        .target(name: "TedgeMQTTCodec", dependencies: ["TedgeMessaging"], path: "Sources/Core/MQTTCodec", swiftSettings: mapperLean),
        // The mapper's data plane: MQTT 3.1.1 over a poll(2) loop, stdlib and Glibc only (no Foundation,
        // Dispatch, concurrency or threads), acknowledging an input only after its outputs are acknowledged.
        .target(name: "TedgeMQTTSession", dependencies: ["TedgeMessaging", "TedgeMQTTCodec"], path: "Sources/Core/MQTTSession",
                swiftSettings: mapperLean),
        // The session's test doubles (as NIOEmbedded sits beside NIOCore): the in-memory transport, a scripted
        // broker and a manual clock.
        .target(name: "TedgeMQTTSessionTesting", dependencies: ["TedgeMQTTSession"], path: "Sources/Core/MQTTSessionTesting"),
        // Cloud operations: what the cloud asks of the device (methods, the twin, cloud-to-device messages) decided by
        // a pure state machine, and the handlers in operations/<cloud>/ run with posix_spawn. Stdlib and Glibc only.
        .target(name: "TedgeOperations", dependencies: ["TedgeProviderAPI", "TedgeMessaging", "TedgeSystem"], path: "Sources/Core/Operations",
                swiftSettings: mapperLean),
        // Mapping flows (thin-edge 2.0's files): builtin steps and Lua script steps, loaded from a directory
        // and reloaded when it changes. Stdlib and Glibc only: the mapper links it.
        .target(name: "TedgeFlows", dependencies: [
            "TedgeLua", "TedgeTOML", "TedgeThinEdgeJSON", "TedgeTopics", "TedgeMessaging", "TedgeSystem", "TedgeProviderAPI",
        ], path: "Sources/Core/Flows", swiftSettings: mapperLean),
        .target(name: "TedgeMapper", dependencies: [
            "TedgeProviderAPI", "TedgeSystem", "TedgeMQTTSession", "TedgeFileDefinedClouds", "TedgeFlows", "TedgeOperations",
        ],
                path: "Sources/Core/Mapper", swiftSettings: mapperLean),
        // An HTTP proxy's CONNECT tunnel: the request, the answer, the proxy URL and exclusions (no I/O), shared by
        // the HTTPS client and the built-in bridge.
        .target(name: "TedgeHTTPProxy", path: "Sources/Core/HTTPProxy", swiftSettings: mapperLean),
        // The built-in bridge: the mapper's cloud session over TLS (and a proxy), fed from the durable store.
        .target(name: "TedgeCloudBridge", dependencies: [
            "TedgeMQTTSession", "TedgeDurableStore", "TedgeOpenSSL", "TedgeHTTPProxy", "TedgeProviderAPI", "TedgeSystem",
            "TedgeThinEdgeJSON",
        ], path: "Sources/Core/CloudBridge", swiftSettings: mapperLean),
        // The built-in bridge's on-disk queue of cloud-bound messages (SQLite, WAL, synced per batch);
        // no Foundation, Dispatch or concurrency, like the rest of what the mapper links.
        .target(name: "TedgeDurableStore", dependencies: ["TedgeSQLite", "TedgeMessaging"],
                path: "Sources/Core/DurableStore", swiftSettings: mapperLean),

        // Built-in providers: describe, never act.
        .target(name: "TedgeCloudAzure", dependencies: ["TedgeProviderAPI"], path: "Sources/CloudAzure", swiftSettings: mapperLean),
        .target(name: "TedgeCloudC8y", dependencies: ["TedgeProviderAPI"], path: "Sources/CloudC8y", swiftSettings: mapperLean),
        // Third-party-style providers: plain modules that import the provider API only.
        .target(name: "TedgeCloudAws", dependencies: ["TedgeProviderAPI"], path: "Plugins/CloudAws",
                exclude: ["README.md"], swiftSettings: mapperLean),

        // The provider contract as a plain function (`tedge mapper verify` runs it on user-defined clouds), and the
        // kit every provider's tests run, which records its violations as test issues.
        .target(name: "TedgeProviderContract", dependencies: ["TedgeProviderAPI"], path: "Sources/Core/ProviderContract",
                swiftSettings: mapperLean),
        .target(name: "TedgeCloudProviderTesting", dependencies: ["TedgeProviderAPI", "TedgeProviderContract"],
                path: "Sources/CloudProviderTesting"),
        // User-defined clouds (thin-edge 2.0's `mappers/<name>/`): Core reads the files into `FileDefinedCloud`
        // values, which only describe. Linked by tedge and tedge-mapper, so no Foundation.
        .target(name: "TedgeFileDefinedClouds", dependencies: [
            "TedgeProviderAPI", "TedgeProviderContract", "TedgeTOML", "TedgeSystem", "TedgeFlows",
        ], path: "Sources/Core/FileDefinedClouds", swiftSettings: mapperLean),

        // The composition root: the one module that knows which providers are built in.
        .target(name: "TedgeComposition", dependencies: [
            "TedgeProviderAPI", "TedgeCloudAzure", "TedgeCloudC8y", "TedgeCloudAws",
        ], path: "Sources/Composition", swiftSettings: mapperLean),

        // The command line as a library, and the executables: a few lines each.
        .target(name: "TedgeCLI", dependencies: [
            "TedgeProviderAPI", "TedgeSystem", "TedgeRuntime", "TedgeTOML", "TedgeMosquitto", "TedgeOpenSSL", "TedgeFlows",
            "TedgeFileDefinedClouds", "TedgeProviderContract",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Sources/CLI"),
        .executableTarget(name: "tedge", dependencies: ["TedgeCLI", "TedgeComposition"]),
        // Kept free of ArgumentParser and Foundation: its resident memory is a product figure.
        .executableTarget(name: "tedge-mapper", dependencies: ["TedgeMapper", "TedgeComposition"], swiftSettings: mapperLean,
                          linkerSettings: mapperLinking),
        // The mapper with the built-in bridge (OpenSSL, SQLite): `tedge-mapper` executes it when mqtt.bridge.built_in
        // is true, so that the plain mapper links neither and keeps its memory budget.
        .executableTarget(name: "tedge-mapper-bridge", dependencies: ["TedgeMapper", "TedgeCloudBridge", "TedgeComposition"],
                          swiftSettings: mapperLean, linkerSettings: bridgeLinking),
        .target(name: "TedgeCloudSimulator", dependencies: [
            "TedgeProviderAPI", "TedgeSystem", "TedgeRuntime", "TedgeOpenSSL", "TedgeMosquitto", "TedgeMQTTCodec",
        ], path: "Sources/CloudSimulator"),
        .executableTarget(name: "tedge-cloud-sim", dependencies: [
            "TedgeCloudSimulator", "TedgeProviderAPI", "TedgeSystem", "TedgeRuntime", "TedgeOpenSSL", "TedgeMosquitto",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        // Helpers for this package's tests only (temporary directories, brokers on free ports).
        .target(name: "TedgeTestSupport", dependencies: [
            "TedgeProviderAPI", "TedgeSystem", "TedgeRuntime", "TedgeMosquitto",
        ], path: "Tests/Support"),

        // Benchmarks (not tests): figures in the README.
        .executableTarget(name: "c-relay", path: "Benchmarks/CRelay", linkerSettings: [.linkedLibrary("mosquitto")]),
        .executableTarget(name: "tedge-benchmark", dependencies: [
            "TedgeProviderAPI", "TedgeSystem", "TedgeRuntime", "TedgeMosquitto",
        ], path: "Benchmarks/MapperBenchmark"),
        .executableTarget(name: "tedge-bridge-benchmark", dependencies: [
            "TedgeProviderAPI", "TedgeSystem", "TedgeRuntime", "TedgeMosquitto",
        ], path: "Benchmarks/BridgeBenchmark"),
        .executableTarget(name: "tedge-flows-benchmark", dependencies: ["TedgeFlows", "TedgeCloudAzure"],
                          path: "Benchmarks/FlowsBenchmark"),
        .executableTarget(name: "tedge-converter-benchmark", dependencies: ["TedgeProviderAPI", "TedgeCloudAzure"],
                          path: "Benchmarks/ConverterBenchmark"),
        .executableTarget(name: "tedge-store-benchmark", dependencies: ["TedgeDurableStore", "TedgeMessaging", "TedgeSQLite"],
                          path: "Benchmarks/DurableStoreBenchmark", swiftSettings: mapperLean),
        .executableTarget(name: "tedge-entity-store-benchmark", dependencies: ["TedgeTopics", "TedgeMessaging"],
                          path: "Benchmarks/EntityStoreBenchmark", swiftSettings: mapperLean),

        // Tests.
        .testTarget(name: "CoreTests", dependencies: [
            "TedgeProviderAPI", "TedgeSystem", "TedgeRuntime", "TedgeTOML", "TedgeOpenSSL", "TedgeMosquitto", "TedgeTestSupport",
        ], resources: [.copy("Fixtures")]),
        // CloudConnector's decisions against a recording fake of its effects (no processes, no broker).
        .testTarget(name: "RuntimeTests", dependencies: [
            "TedgeRuntime", "TedgeProviderAPI", "TedgeSystem", "TedgeCloudAzure", "TedgeCloudC8y", "TedgeCloudAws",
            "TedgeTestSupport",
        ]),
        // The command line's own logic (the registry's task-local value); its commands run end to end.
        .testTarget(name: "CommandLineTests", dependencies: ["TedgeCLI", "TedgeProviderAPI"]),
        .testTarget(name: "CloudAzureTests", dependencies: ["TedgeCloudAzure", "TedgeProviderAPI", "TedgeCloudProviderTesting"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "CloudAwsTests", dependencies: ["TedgeCloudAws", "TedgeProviderAPI", "TedgeCloudProviderTesting"]),
        .testTarget(name: "ProviderContractTests", dependencies: [
            "TedgeCloudProviderTesting", "TedgeProviderContract", "TedgeCloudAzure", "TedgeCloudC8y", "TedgeCloudAws", "TedgeComposition",
            "TedgeProviderAPI",
        ]),
        .testTarget(name: "CloudC8yTests", dependencies: ["TedgeCloudC8y", "TedgeProviderAPI", "TedgeCloudProviderTesting"],
                    resources: [.copy("Fixtures")]),
        // User-defined clouds: the example and rule files read, the contract on them, the mistakes with their lines.
        .testTarget(name: "FileDefinedCloudsTests", dependencies: [
            "TedgeFileDefinedClouds", "TedgeProviderContract", "TedgeCloudProviderTesting", "TedgeProviderAPI", "TedgeTestSupport",
        ]),
        .testTarget(name: "CloudSimulatorTests", dependencies: ["TedgeCloudSimulator", "TedgeProviderAPI"]),
        .testTarget(name: "DurableStoreTests", dependencies: ["TedgeDurableStore", "TedgeSQLite", "TedgeMessaging", "TedgeRuntime"]),
        .testTarget(name: "LuaTests", dependencies: ["TedgeLua"]),
        .testTarget(name: "FlowsTests", dependencies: [
            "TedgeFlows", "TedgeLua", "TedgeTopics", "TedgeCloudAzure", "TedgeCloudAws", "TedgeProviderAPI", "TedgeTestSupport",
        ], resources: [.copy("Fixtures")]),
        // Appends numbered messages and says ACK after each append: DurableStoreTests kill and trace it.
        .executableTarget(name: "durable-store-probe", dependencies: ["TedgeDurableStore", "TedgeMessaging"],
                          path: "Tests/DurableStoreProbe"),
        .testTarget(name: "MQTTSessionTests", dependencies: [
            "TedgeMQTTSession", "TedgeMQTTSessionTesting", "TedgeMessaging", "TedgeTestSupport", "TedgeRuntime", "TedgeMosquitto",
        ]),
        // The built-in bridge's pure pieces: the providers' topic rules both ways, the proxy settings.
        .testTarget(name: "CloudBridgeTests", dependencies: [
            "TedgeCloudBridge", "TedgeHTTPProxy", "TedgeProviderAPI", "TedgeProviderContract", "TedgeMessaging", "TedgeMQTTCodec",
            "TedgeCloudAzure", "TedgeCloudC8y", "TedgeCloudAws",
        ]),
        .testTarget(name: "MQTTCodecTests", dependencies: ["TedgeMQTTCodec", "TedgeMessaging"]),
        .testTarget(name: "OperationsTests", dependencies: ["TedgeOperations", "TedgeProviderAPI", "TedgeCloudAzure", "TedgeTestSupport"]),
        .testTarget(name: "TopicsTests", dependencies: ["TedgeTopics", "TedgeMessaging", "TedgeThinEdgeJSON"]),
        // Drives the built binaries (`swift build` first) with real brokers and the simulator.
        .testTarget(name: "EndToEndTests", dependencies: [
            "TedgeProviderAPI", "TedgeSystem", "TedgeRuntime", "TedgeMosquitto", "TedgeOpenSSL", "TedgeTestSupport",
        ], exclude: ["SDK"], resources: [.copy("Fixtures")]),
    ]
)
