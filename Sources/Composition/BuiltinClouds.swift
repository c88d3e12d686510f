import TedgeCloudAws
import TedgeCloudAzure
import TedgeCloudC8y
import TedgeProviderAPI

/// The composition root: the one place that knows which clouds are built in. A package outside
/// this tree adds its own: `CloudRegistry(BuiltinClouds.providers + [MyProvider()])`.
public enum BuiltinClouds {
    public static let providers: [any CloudProvider] = [CumulocityProvider(), AzureProvider(), AwsProvider()]

    public static func registry() -> CloudRegistry { CloudRegistry(providers) }
}
