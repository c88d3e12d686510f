import Foundation
import TedgeFileDefinedClouds
import TedgeProviderAPI
import TedgeProviderContract
import Testing

/// What `mappers/` holds: clouds, definitions that are none, flows-only mappers, built-in clouds' own directories.
@Suite struct FileDefinedCloudsTests {
    @Test func everyDirectoryIsACloudAFailureFlowsOnlyOrUnrecognisedAndBuiltInOnesAreSkipped() throws {
        let directory = DefinitionDirectory()
        let mappers = directory.configDirectory + "/mappers/"
        for folder in ["az/flows", "c8y.second/bridge", "local/flows", "stale", "broken", "My_Cloud"] {
            try FileManager.default.createDirectory(atPath: mappers + folder, withIntermediateDirectories: true)
        }
        try "url = [".write(toFile: mappers + "broken/mapper.toml", atomically: true, encoding: .utf8)
        try "url = \"x\"".write(toFile: mappers + "My_Cloud/mapper.toml", atomically: true, encoding: .utf8)

        let clouds = FileDefinedClouds(configDirectory: directory.configDirectory, builtIn: ["c8y", "az", "aws"])
        #expect(clouds.clouds.map(\.id) == ["thingsboard"])
        #expect(clouds.failures.map(\.name) == ["My_Cloud", "broken"])
        #expect(clouds.flowsOnly == ["local"])
        #expect(clouds.unrecognised == ["stale"])
        #expect(
            clouds.failure("My_Cloud")?.problems.map(\.detail) == [
                "Invalid mapper name 'My_Cloud': must start with a lowercase ASCII letter"
            ])
        #expect(clouds.failure("broken")?.problems.map { "\($0.location!)" } == [mappers + "broken/mapper.toml:1"])
        #expect(clouds.whyNotACloud("thingsboard") == nil)
        #expect(
            clouds.whyNotACloud("local")?.description.hasSuffix(
                "has flows but no mapper.toml: it maps locally and connects to no cloud.") == true)

        let registry = clouds.adding(to: CloudRegistry([]))
        #expect(try registry.provider("thingsboard").id == "thingsboard")
        #expect(registry.configSchema.key(named: "thingsboard.url") != nil)
    }

    @Test func mapperNamesFollowThinEdgesRule() {
        for valid in ["thingsboard", "my-cloud", "abc123"] { #expect(throws: Never.self) { try MapperName.validate(valid) } }
        let refusals = [
            "": "Mapper name cannot be empty", "1cloud": "Invalid mapper name '1cloud': must start with a lowercase ASCII letter",
            "my_cloud": "Invalid mapper name 'my_cloud': names must match [a-z][a-z0-9-]* (underscores are not allowed)",
            "bridge-cloud":
                "Invalid mapper name 'bridge-cloud': names starting with 'bridge-' are reserved (would collide with the bridge sub-service name 'tedge-mapper-bridge-bridge-cloud')",
        ]
        for (name, text) in refusals { #expect(throws: TedgeError(text)) { try MapperName.validate(name) } }
    }

    @Test func mapperTomlMistakesAreReportedWithTheirLines() {
        let directory = DefinitionDirectory()
        directory.write(
            "mapper.toml",
            """
            url = "cloud.example.com:1883"
            auth_method = "password"
            cloud_type = "c8y"

            [device]
            cert_path = "device.pem"

            [bridge]
            clean_session = "yes"
            max_payload_size = 0

            [connection_check]
            topic = "thingsboard/attributes/request/1"
            attempts = 0
            """)
        let cloud = directory.cloud()
        let mapperFile = directory.path("mapper.toml")
        let problems = cloud.fileViolations(config: directory.config(cloud)).map { "\($0.location!): \($0.detail)" }
        for expected in [
            "\(mapperFile):6: 'device.cert_path' is set but 'device.key_path' is missing. Both must be provided for certificate authentication.",
            "\(mapperFile):2: auth_method \"password\" is not supported: the bridge authenticates with the device certificate",
            "\(mapperFile):1: plain MQTT (tls.enable = \"auto\" to port 1883) is not supported: the bridge always uses TLS",
            "\(mapperFile):3: cloud_type = \"c8y\" in a user-defined cloud (c8y, az and aws are built in)",
            "\(mapperFile):9: `bridge.clean_session` must be true or false, not \"yes\"",
            "\(mapperFile):10: `bridge.max_payload_size` must be positive, not 0",
            "\(mapperFile):14: `connection_check.attempts` must be at least 1, not 0",
            "\(mapperFile):12: `connection_check.response_topic` is missing",
        ] {
            #expect(problems.contains(expected), "\(expected)\nnot in\n\(problems.joined(separator: "\n"))")
        }
    }

    @Test func certificatePathsAreTheMapperDirectorysAndTheDeviceIDIsTheFilesWhenSet() {
        let directory = DefinitionDirectory()
        directory.replace(
            "# cert_path = \"device.pem\"\n# key_path = \"device-key.pem\"",
            with: "id = \"tb-device\"\ncert_path = \"device.pem\"\nkey_path = \"/keys/device-key.pem\"", in: "mapper.toml")
        let cloud = directory.cloud()
        let config = directory.config(cloud)
        #expect(config.value("thingsboard.device.cert_path") == directory.path("device.pem"))
        #expect(config.value("thingsboard.device.key_path") == "/keys/device-key.pem")
        #expect(config.value("thingsboard.device.id") == "tb-device")
    }
}
