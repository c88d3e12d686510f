import TedgeProviderAPI
import TedgeProviderContract

extension FileDefinedCloud {
    /// The provider contract on this definition with `config` (its `${config.*}` variables resolved as on this
    /// device), the files' own mistakes first, each with its file and line.
    public func violations(config: TedgeConfig) -> [ContractViolation] { ProviderContract.violations(of: self, config: config) }

    /// Throws the list of problems, when there is any: `tedge connect` refuses such a definition before writing anything.
    public func verify(config: TedgeConfig) throws(TedgeError) {
        let problems = violations(config: config)
        guard !problems.isEmpty else { return }
        throw TedgeError(Self.report(problems, directory: directory))
    }

    /// "The definition in <dir> has N problem(s):" and one line per problem.
    public static func report(_ problems: [ContractViolation], directory: String) -> String {
        let count = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
        return (["The definition in \(directory) has \(count):"] + problems.map(\.description)).joined(separator: "\n")
    }
}
