import TedgeMQTTSession
import TedgeProviderAPI

/// The built-in bridge as the mapper runtime uses it (`TedgeCloudBridge.BuiltInBridge` in the
/// `tedge-mapper-bridge` executable). A protocol, so that `tedge-mapper` itself links neither OpenSSL nor
/// SQLite: with `mqtt.bridge.built_in` false it stays within its memory budget, and with it true it executes
/// `tedge-mapper-bridge`, which links them (`MapperCommand`).
public protocol MapperBridge: AnyObject {
    /// Local topic filters subscribed on the cloud's behalf (applications publish there).
    var localSubscriptions: [String] { get }
    /// The output session's will: the bridge's health `down`.
    var will: MQTTMessage { get }
    /// What an input on a cloud topic becomes (itself, to be stored; nothing for an echo); nil for other inputs.
    func passThrough(_ message: MQTTMessage) -> [MQTTMessage]?
    var sink: ForwarderCloudSink { get }
    /// Published at the end of the drain with the mapper's own `down`.
    var finalMessages: [MQTTMessage] { get }
    /// Whether the cloud session is connected (start-up is over once it is).
    var isCloudConnected: Bool { get }
    /// The poll loop over the forwarder, the cloud session and the stop signals.
    func run(_ forwarder: MessageForwarder, stopSignals: SignalDescriptor, idle: () -> Void) -> DrainOutcome
}

/// Makes the bridge for a cloud from the configuration; the log function takes one line.
public typealias MapperBridgeFactory = (any CloudProvider, TedgeConfig, @escaping (String) -> Void) throws -> any MapperBridge
