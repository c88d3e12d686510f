// The `tedge` command line. `tedge-mapper` is a separate, smaller executable (Sources/tedge-mapper).
CommandRunner.run(TedgeCommand.self, arguments: Array(CommandLine.arguments.dropFirst()))
