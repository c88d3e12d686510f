// This package's own `tedge`: the built-in clouds plus Nimbus.
import NimbusCloud
import TedgeCLI
import TedgeComposition
import TedgeProviderAPI

TedgeCLI.main(registry: CloudRegistry(BuiltinClouds.providers + [NimbusProvider()]))
