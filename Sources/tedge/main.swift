// The `tedge` command line with the built-in clouds. `tedge-mapper` is a separate, smaller executable.
import TedgeCLI
import TedgeComposition

TedgeCLI.main(registry: BuiltinClouds.registry())
