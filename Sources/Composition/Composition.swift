import CloudAws
import CloudAzure
import CloudC8y
import Core

/// The composition root: the one place that knows which clouds exist.
public enum Composition {
    public static func registry() -> CloudRegistry {
        CloudRegistry([CumulocityProvider(), AzureProvider(), AwsProvider()])
    }
}
