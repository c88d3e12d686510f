// swift-tools-version:6.0
import PackageDescription

// A cloud added from outside tedge-swift: this package depends on tedge-swift by version, adds a
// provider for a made-up MQTT cloud, "Nimbus", and builds its own `tedge` and `tedge-mapper` with the
// built-in clouds plus its own. It has a module named `Core` on purpose: tedge-swift's modules are
// all named `Tedge…`, so they cannot clash with a third party's.

// tedge-swift's git repository: scripts/check-example sets TEDGE_SWIFT_URL to a clone of the commit
// under test, tagged with its version; a package of your own names the repository it takes it from.
let tedgeSwift = Context.environment["TEDGE_SWIFT_URL"] ?? "https://git.example.com/tedge-swift.git"

let package = Package(
    name: "third-party-cloud",
    platforms: [.macOS(.v13)],
    products: [
        // Binary names are global in a build like module names: the package installs these as
        // /usr/bin/tedge and /usr/bin/tedge-mapper.
        .executable(name: "nimbus-tedge", targets: ["NimbusTedge"]),
        .executable(name: "nimbus-tedge-mapper", targets: ["NimbusTedgeMapper"]),
    ],
    dependencies: [.package(url: tedgeSwift, from: "0.1.0")],
    targets: [
        .target(name: "Core"),
        .target(name: "NimbusCloud", dependencies: [
            "Core", .product(name: "TedgeProviderAPI", package: "tedge-swift"),
        ]),
        .executableTarget(name: "NimbusTedge", dependencies: [
            "NimbusCloud",
            .product(name: "TedgeCLI", package: "tedge-swift"),
            .product(name: "TedgeComposition", package: "tedge-swift"),
        ]),
        .executableTarget(name: "NimbusTedgeMapper", dependencies: [
            "NimbusCloud",
            .product(name: "TedgeMapper", package: "tedge-swift"),
            .product(name: "TedgeComposition", package: "tedge-swift"),
        ]),
        .testTarget(name: "NimbusCloudTests", dependencies: [
            "NimbusCloud",
            .product(name: "TedgeCloudProviderTesting", package: "tedge-swift"),
            .product(name: "TedgeComposition", package: "tedge-swift"),
        ]),
    ]
)
