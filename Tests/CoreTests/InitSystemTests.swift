import Foundation
import TedgeProviderAPI
import TedgeRuntime
import TedgeTestSupport
import Testing

@Suite struct InitSystemTests {
    let directory = TemporaryDirectory()

    @Test func missingFileMeansSystemd() throws {
        let (initSystem, notice) = try InitSystem.load(configDirectory: directory.path)
        #expect(initSystem == .systemd)
        #expect(
            notice
                == "The system config file '\(directory.path)/system.toml' doesn't exist. Use '/bin/systemctl' as a service manager."
        )
    }

    @Test func readsThinEdgesFormat() throws {
        let openRC = try InitSystem.parse(
            """
            [init]
            name = "OpenRC"
            is_available = ["/sbin/rc-service", "-l"]
            restart = ["/sbin/rc-service", "{}", "restart"]
            stop =  ["/sbin/rc-service", "{}", "stop"]
            enable =  ["/sbin/rc-update", "add", "{}"]
            disable =  ["/sbin/rc-update", "delete", "{}"]
            is_active = ["/sbin/rc-service", "{}", "status"]
            """, path: "/etc/tedge/system.toml")
        #expect(openRC.name == "OpenRC")
        #expect(openRC.restart == ["/sbin/rc-service", "{}", "restart"])
    }

    static let valid = """
        [init]
        name = "systemd"
        is_available = ["/bin/systemctl", "--version"]
        restart = ["/bin/systemctl", "restart", "{}"]
        stop = ["/bin/systemctl", "stop", "{}"]
        enable = ["/bin/systemctl", "enable", "{}"]
        disable = ["/bin/systemctl", "disable", "{}"]
        is_active = ["/bin/systemctl", "is-active", "{}"]
        """

    @Test func errorsAreThinEdges() {
        let path = "/etc/tedge/system.toml"
        #expect(
            throws: TedgeError(
                "Syntax error in the system config file for 'restart': A placeholder '{}' is missing.\nCheck '\(path)' file.")
        ) {
            try InitSystem.parse(
                Self.valid.replacingOccurrences(
                    of: #"["/bin/systemctl", "restart", "{}"]"#, with: #"["/bin/systemctl", "restart"]"#), path: path)
        }
        #expect(
            throws: TedgeError(
                "Syntax error in the system config file for 'stop': Requires 1 or more arguments.\nCheck '\(path)' file.")
        ) {
            try InitSystem.parse(
                Self.valid.replacingOccurrences(of: #"["/bin/systemctl", "stop", "{}"]"#, with: "[]"), path: path)
        }
        let syntax = #expect(throws: TedgeError.self) { try InitSystem.parse("[init\nname = 1", path: path) }
        #expect(syntax?.description.hasPrefix("Toml syntax error in the system config file '\(path)': ") == true)
        let unknown = #expect(throws: TedgeError.self) {
            try InitSystem.parse(Self.valid + "\nstart_all = [\"x\"]\n", path: path)
        }
        #expect(unknown?.description.contains("unknown field `start_all`") == true)
        let missing = #expect(throws: TedgeError.self) { try InitSystem.parse("[init]\nname = \"x\"\n", path: path) }
        #expect(missing?.description.contains("missing field `is_available`") == true)
    }

    @Test func serviceManagerRunsCommandsWithTheServiceName() throws {
        let log = directory.file("calls")
        let script = directory.file("fake-init")
        try "#!/bin/sh\necho \"$@\" >> \(log)\n[ \"$2\" = broken ] && exit 4\nexit 0\n".write(
            toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        let initSystem = InitSystem(
            name: "fake", isAvailable: [script, "check"], restart: [script, "restart", "{}"],
            stop: [script, "stop", "{}"], enable: [script, "enable", "{}"],
            disable: [script, "disable", "{}"], isActive: [script, "active", "{}"])
        let manager = ServiceManager(initSystem: initSystem, configPath: "/x/system.toml")
        #expect(manager.isAvailable())
        try manager.restart("mosquitto")
        try manager.enable("tedge-mapper-az")
        #expect(manager.isActive("mosquitto"))
        #expect(!manager.isActive("broken"))
        #expect(throws: TedgeError("Service command <\"\(script) restart broken\"> failed with code: 4.")) {
            try manager.restart("broken")
        }
        let missing = ServiceManager(
            initSystem: InitSystem(
                name: "none", isAvailable: ["/no/such"], restart: ["/no/such", "{}"],
                stop: ["/no/such", "{}"], enable: ["/no/such", "{}"],
                disable: ["/no/such", "{}"], isActive: ["/no/such", "{}"]),
            configPath: "/x/system.toml")
        #expect(!missing.isAvailable())
        #expect(throws: TedgeError("Service command <\"/no/such mosquitto\"> not found.\nCheck '/x/system.toml' file.")) {
            try missing.restart("mosquitto")
        }
        let calls = try String(contentsOfFile: log, encoding: .utf8)
        #expect(calls.contains("restart mosquitto\n"))
        #expect(calls.contains("enable tedge-mapper-az\n"))
    }
}
