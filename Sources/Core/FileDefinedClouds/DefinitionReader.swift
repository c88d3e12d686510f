import TedgeProviderAPI
import TedgeProviderContract
import TedgeTOML

/// Reads the fields of one definition file, recording each mistake with its file and line rather than stopping
/// at the first, so `tedge mapper verify` lists them all.
struct DefinitionReader {
    let cloud: String
    let file: String
    private(set) var problems: [ContractViolation] = []

    init(cloud: String, file: String) {
        self.cloud = cloud
        self.file = file
    }

    func location(_ line: Int?) -> DefinitionLocation { DefinitionLocation(file: file, line: line) }

    mutating func problem(_ rule: String, _ detail: String, line: Int?) {
        problems.append(ContractViolation(provider: cloud, rule: rule, detail: detail, location: location(line)))
    }

    /// The file's text as a TOML tree; nil (with the problem recorded) when it is not TOML.
    mutating func parse(_ text: String) -> TOMLTable? {
        do { return try TOMLTable(parsing: text) } catch {
            problem("definition files are valid TOML", "\(error.reason) (column \(error.column))", line: error.line)
            return nil
        }
    }

    static let typeRule = "fields hold values of the right type"

    private mutating func mistyped(_ table: TOMLTable, _ key: String, within: String?, expected: String) {
        let name = within.map { "\($0).\(key)" } ?? key
        problem(Self.typeRule, "`\(name)` must be \(expected), not \(table[key]?.tomlText ?? "")", line: table.lines[key])
    }

    mutating func string(_ table: TOMLTable, _ key: String, within: String? = nil) -> String? {
        switch table[key] {
        case nil: return nil
        case .string(let text)?: return text
        default:
            mistyped(table, key, within: within, expected: "a string")
            return nil
        }
    }

    mutating func boolean(_ table: TOMLTable, _ key: String, within: String? = nil) -> Bool? {
        switch table[key] {
        case nil: return nil
        case .boolean(let flag)?: return flag
        default:
            mistyped(table, key, within: within, expected: "true or false")
            return nil
        }
    }

    mutating func integer(_ table: TOMLTable, _ key: String, within: String? = nil) -> Int? {
        switch table[key] {
        case nil: return nil
        case .integer(let number)?: return number
        default:
            mistyped(table, key, within: within, expected: "an integer")
            return nil
        }
    }

    mutating func table(_ table: TOMLTable, _ key: String, within: String? = nil) -> TOMLTable? {
        switch table[key] {
        case nil: return nil
        case .table(let inner)?: return inner
        default:
            mistyped(table, key, within: within, expected: "a table")
            return nil
        }
    }

    /// `[[key]]` (an array of tables), each with the line it starts on (its first key's).
    mutating func tables(_ table: TOMLTable, _ key: String) -> [TOMLTable] {
        switch table[key] {
        case nil: return []
        case .array(let items)?:
            var tables: [TOMLTable] = []
            for item in items {
                guard case .table(let inner) = item else {
                    mistyped(table, key, within: nil, expected: "an array of tables ([[\(key)]])")
                    return []
                }
                tables.append(inner)
            }
            return tables
        default:
            mistyped(table, key, within: nil, expected: "an array of tables ([[\(key)]])")
            return []
        }
    }

    /// A duration as thin-edge writes them (`60`, `"60s"`, `"2m"`, `"1h"`; `DurationText`), in whole seconds.
    mutating func seconds(_ table: TOMLTable, _ key: String, within: String? = nil) -> Int? {
        switch table[key] {
        case nil: return nil
        case .integer(let number)? where number > 0: return number
        case .string(let text)?:
            if let milliseconds = DurationText.milliseconds(text), milliseconds >= 1_000, milliseconds % 1_000 == 0 {
                return Int(milliseconds / 1_000)
            }
            fallthrough
        default:
            mistyped(table, key, within: within, expected: "a positive duration in whole seconds (60, \"60s\", \"2m\", \"1h\")")
            return nil
        }
    }

    /// Fields outside `allowed` (thin-edge refuses unknown fields in bridge rule files; so do our own tables).
    mutating func refuseUnknownFields(_ table: TOMLTable, allowed: [String], within: String?, rule: String) {
        for (key, _) in table.entries where !allowed.contains(key) {
            let place = within.map { " in \($0)" } ?? ""
            problem(
                rule,
                "unknown field `\(key)`\(place), expected one of \(allowed.map { "`\($0)`" }.joined(separator: ", "))",
                line: table.lines[key])
        }
    }
}
