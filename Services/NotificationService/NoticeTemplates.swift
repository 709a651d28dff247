import Foundation
import Models
import Obligations

/// The Vietnamese texts of scheduled notices, as data (`data/templates/notices.vi.json`): a title
/// and a body per notice kind with `{variable}` placeholders.
///
/// Loading refuses a missing template, an unknown variable and an unclosed brace, naming the file
/// and line, so a service never starts with a template it cannot fill.
public struct NoticeTemplates: Sendable {
    /// The notice kinds and the variables each may use.
    public static let variables: [String: Set<String>] = [
        "reminder": common.union(["days"]),
        "overdue": common.union(["escalation_days"]),
        "escalation": common.union(["days", "recipient"]),
        "digest": ["recipient", "day", "count", "items"],
        "digest_item": common.union(["days"]),
        "result": [
            "unit", "kind", "period", "key", "version", "judgement", "verdict", "summary", "criteria", "advice",
        ],
        "result_advice": [],
        "review_accept": review,
        "review_send_back": review,
        "review_sign_off": review,
        "review_unlock": review,
    ]
    private static let review: Set<String> = ["unit", "subject", "reviewer", "reason", "period", "submission_id"]
    private static let common: Set<String> = ["unit", "unit_id", "obligation", "year", "due", "source", "action"]

    public struct Template: Codable, Sendable, Equatable {
        public let title: String
        public let body: String
    }

    private struct File: Codable {
        let templates: String
        let version: String
        let language: String
        let notices: [String: Template]
    }

    /// `notices@1`, recorded in the log when the service starts.
    public let reference: String
    private let notices: [String: Template]

    /// Loads and checks a templates file.
    public static func load(from url: URL) throws -> NoticeTemplates {
        let data = try Data(contentsOf: url)
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw TemplateError(problems: ["\(url.path): \(error)"])
        }
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        func line(_ kind: String) -> Int { (lines.firstIndex { $0.contains("\"\(kind)\"") } ?? 0) + 1 }
        var problems: [String] = []
        for kind in variables.keys.sorted() where file.notices[kind] == nil {
            problems.append("\(url.path):1: no template \(kind)")
        }
        for (kind, template) in file.notices.sorted(by: { $0.key < $1.key }) {
            guard let allowed = variables[kind] else {
                problems.append(
                    "\(url.path):\(line(kind)): unknown notice kind \(kind); known: \(variables.keys.sorted())")
                continue
            }
            for (part, text) in [("title", template.title), ("body", template.body)] {
                switch Self.placeholders(in: text) {
                case .failure(let message):
                    problems.append("\(url.path):\(line(kind)): \(kind) \(part): \(message)")
                case .success(let names):
                    for name in names where !allowed.contains(name) {
                        problems.append(
                            "\(url.path):\(line(kind)): \(kind) \(part) uses unknown variable {\(name)}; allowed: \(allowed.sorted().joined(separator: ", "))"
                        )
                    }
                }
            }
        }
        guard problems.isEmpty else { throw TemplateError(problems: problems) }
        return NoticeTemplates(reference: "\(file.templates)@\(file.version)", notices: file.notices)
    }

    /// The `{names}` in `text`, or what is wrong with its braces.
    static func placeholders(in text: String) -> Result<[String], TemplateProblem> {
        var names: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            guard rest[open] == "{" else { return .failure(TemplateProblem("a '}' without its '{'")) }
            let after = rest.index(after: open)
            guard let close = rest[after...].firstIndex(where: { $0 == "{" || $0 == "}" }), rest[close] == "}" else {
                return .failure(TemplateProblem("a '{' without its '}'"))
            }
            let name = rest[rest.index(after: open)..<close]
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0 == "_" }) else {
                return .failure(TemplateProblem("{\(name)} is not a variable name"))
            }
            names.append(String(name))
            rest = rest[rest.index(after: close)...]
        }
        return .success(names)
    }

    /// `kind`'s title and body with `values` filled in (templates were checked at load).
    public func render(_ kind: String, _ values: [String: String]) -> (title: String, body: String) {
        guard let template = notices[kind] else { return ("", "") }
        return (Self.fill(template.title, values), Self.fill(template.body, values))
    }

    /// `text` with its variables filled; lines left empty (an absent reason, no advice) are dropped.
    /// Works on UTF-8 bytes: notices are long Vietnamese texts, and this runs for every notice.
    static func fill(_ text: String, _ values: [String: String]) -> String {
        let bytes = Array(text.utf8)
        var filled: [UInt8] = []
        filled.reserveCapacity(bytes.count * 2)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "{"), let close = bytes[index...].firstIndex(of: UInt8(ascii: "}")) {
                filled += (values[String(decoding: bytes[(index + 1)..<close], as: UTF8.self)] ?? "").utf8
                index = close + 1
            } else {
                filled.append(bytes[index])
                index += 1
            }
        }
        var result: [UInt8] = []
        result.reserveCapacity(filled.count)
        for line in filled.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            if !result.isEmpty { result.append(UInt8(ascii: "\n")) }
            result += line
        }
        return String(decoding: result, as: UTF8.self)
    }
}

/// What is wrong with a template's braces.
struct TemplateProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Templates that cannot be used, with every problem found.
public struct TemplateError: Error, CustomStringConvertible {
    public let problems: [String]
    public var description: String { "invalid notice templates: " + problems.joined(separator: "; ") }
}
