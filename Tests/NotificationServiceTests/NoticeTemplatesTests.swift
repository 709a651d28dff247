import Foundation
import Models
import Testing

@testable import NotificationService

@Suite("Notice templates")
struct NoticeTemplatesTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../data/templates/notices.vi.json").standardizedFileURL

    /// Writes `text` to a temporary file and loads it.
    static func load(_ text: String) throws -> NoticeTemplates {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString).json")
        try Data(text.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        return try NoticeTemplates.load(from: url)
    }

    static func replacing(_ old: String, with new: String) throws -> String {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(old))
        return text.replacingOccurrences(of: old, with: new)
    }

    @Test("the project's templates load and fill every variable")
    func projectTemplates() throws {
        let templates = try NoticeTemplates.load(from: Self.file)
        #expect(templates.reference == "notices@2")
        let (title, body) = templates.render(
            "reminder",
            [
                "unit": "Xã Tri Phú", "obligation": "Báo cáo năm", "year": "2025", "due": "10/11/2025", "days": "7",
                "source": "Kế hoạch", "action": "Gửi báo cáo năm.", "unit_id": "TQ-CH-TRIPHU",
            ])
        #expect(title == "Nhắc hạn: Báo cáo năm năm 2025 (hạn 10/11/2025)")
        #expect(body.hasPrefix("Kính gửi Xã Tri Phú,\nCòn 7 ngày nữa đến hạn 10/11/2025"))
        #expect(!body.contains("{") && !body.contains("}"))
    }

    @Test("an unknown variable is refused at load, naming the file, line, kind and the variables allowed")
    func unknownVariable() throws {
        let text = try Self.replacing("Còn {days} ngày", with: "Còn {ngay} ngày")
        do {
            _ = try Self.load(text)
            Issue.record("a template with {ngay} loaded")
        } catch let error as TemplateError {
            #expect(error.problems.count == 1)
            let problem = try #require(error.problems.first)
            #expect(problem.contains("reminder body uses unknown variable {ngay}; allowed: action, days, due"))
            #expect(problem.contains(".json:7:"))
        }
    }

    @Test(
        "braces that do not close, a missing notice kind or an unknown one are refused",
        arguments: [
            ("Nhắc hạn: {obligation}", "Nhắc hạn: {obligation", "a '{' without its '}'"),
            ("Nhắc hạn: {obligation}", "Nhắc hạn: obligation}", "a '}' without its '{'"),
            ("\"digest_item\"", "\"digest_entry\"", "no template digest_item"),
        ])
    func malformed(old: String, new: String, problem: String) throws {
        let text = try Self.replacing(old, with: new)
        #expect(throws: TemplateError.self) { try Self.load(text) }
        do { _ = try Self.load(text) } catch { #expect("\(error)".contains(problem), "\(error)") }
    }
}
