// This package's own `tedge-mapper`: `tedge-mapper nimbus` runs the Nimbus converter.
import NimbusCloud
import TedgeComposition
import TedgeMapper
import TedgeProviderAPI

MapperCommand.main(registry: CloudRegistry(BuiltinClouds.providers + [NimbusProvider()]))
