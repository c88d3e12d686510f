// `tedge` and `tedge-mapper` are one binary: the name it is started under picks the program,
// as thin-edge 1.x does (install `tedge-mapper` as a symlink to `tedge`).
import Core

let arguments = Array(CommandLine.arguments.dropFirst())
let programName = CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? "tedge"

if programName == "tedge-mapper" {
    CommandRunner.run(TedgeMapperCommand.self, arguments: arguments)
} else {
    CommandRunner.run(TedgeCommand.self, arguments: arguments)
}
