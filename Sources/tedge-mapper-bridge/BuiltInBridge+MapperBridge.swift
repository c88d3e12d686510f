import TedgeCloudBridge
import TedgeMapper

extension BuiltInBridge: MapperBridge {}
