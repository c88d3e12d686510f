import TedgeProviderAPI

/// Starts, stops, enables and queries services through the configured init system.
/// Commands run silently; success is exit status 0.
public struct ServiceManager: Sendable {
    public let initSystem: InitSystem
    /// Where system.toml was looked for, for error messages.
    public let configPath: String

    public init(initSystem: InitSystem, configPath: String) {
        self.initSystem = initSystem
        self.configPath = configPath
    }

    public var name: String { initSystem.name }

    public func isAvailable() -> Bool {
        (try? ChildProcess.run(initSystem.isAvailable, timeout: .seconds(30)).status.succeeded) ?? false
    }

    /// What `tedge connect` and `tedge disconnect` ask of a service.
    public enum Action: String, Sendable {
        case restart, stop, enable, disable
    }

    public func perform(_ action: Action, _ service: String) throws(TedgeError) {
        switch action {
        case .restart: try restart(service)
        case .stop: try stop(service)
        case .enable: try enable(service)
        case .disable: try disable(service)
        }
    }

    public func restart(_ service: String) throws(TedgeError) { try run(initSystem.restart, service) }
    public func stop(_ service: String) throws(TedgeError) { try run(initSystem.stop, service) }
    public func enable(_ service: String) throws(TedgeError) { try run(initSystem.enable, service) }
    public func disable(_ service: String) throws(TedgeError) { try run(initSystem.disable, service) }

    public func isActive(_ service: String) -> Bool {
        let command = initSystem.isActive.map { $0 == "{}" ? service : $0 }
        return (try? ChildProcess.run(command, timeout: .seconds(30)).status.succeeded) ?? false
    }

    /// The message thin-edge prints when the init system is missing.
    public var unavailableMessage: String {
        "Service Manager: '\(name)' is not available on the system or elevated permissions have not been granted."
    }

    private func run(_ template: [String], _ service: String) throws(TedgeError) {
        let command = template.map { $0 == "{}" ? service : $0 }
        let line = command.joined(separator: " ")
        let output: ChildProcess.Output
        do {
            output = try ChildProcess.run(command, timeout: .seconds(60))
        } catch {
            throw TedgeError("Service command <\"\(line)\"> not found.\nCheck '\(configPath)' file.")
        }
        switch output.status {
        case .exited(0): return
        case .exited(let code): throw TedgeError("Service command <\"\(line)\"> failed with code: \(code).")
        case .signalled: throw TedgeError("Service command <\"\(line)\"> terminated by a signal.")
        }
    }
}
