// `tedge-mapper <cloud>` with the built-in bridge (mqtt.bridge.built_in = true): `tedge-mapper` executes this
// one, which links OpenSSL and SQLite for the cloud session and the durable store.
import TedgeCloudBridge
import TedgeComposition
import TedgeMapper

MapperCommand.main(registry: BuiltinClouds.registry(), bridge: { try BuiltInBridge(provider: $0, config: $1, log: $2) })
