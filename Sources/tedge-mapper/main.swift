// `tedge-mapper <cloud>` with the built-in clouds: a small executable of its own, without the CLI's
// argument parser and Foundation, so a mapper's resident memory stays near thin-edge's 8 MiB.
import TedgeComposition
import TedgeMapper

MapperCommand.main(registry: BuiltinClouds.registry())
