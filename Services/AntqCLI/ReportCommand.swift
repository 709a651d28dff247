import ArgumentParser
import Foundation
import Models
import ReportDocuments

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Print the consolidated report of a period: text tables, printable HTML, CSV for Excel, or JSON.")

    /// What `--format` can ask for.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, html, csv, json
    }

    @Argument(help: "The period, e.g. 2025 or 2025-H1.") var period: String
    @Option(help: "Reporting's query endpoint.") var reporting = "tcp://127.0.0.1:7301"
    @Option(help: "text, html (printable, A4), csv (UTF-8 with BOM) or json.") var format: Format = .text
    @Option(help: "Write to this file instead of standard output.") var output: String?
    @Option(help: "The issuing office printed at the head of the HTML report.")
    var issuer = "CÔNG AN TỈNH TUYÊN QUANG"
    @Flag(help: "Same as --format json.") var json = false
    @OptionGroup var client: ClientOptions

    func validate() throws { try validatePeriod(period) }

    func run() throws {
        let answer = try client.connect(reporting).request(
            .report, body: JSONCoding.encode(ReportRequest(period: period)))
        let format = json ? .json : format
        let bytes: [UInt8]
        switch format {
        case .json: bytes = answer.body + Array("\n".utf8)
        case .text, .html, .csv:
            let document = ReportDocument(try JSONCoding.decode(Report.self, from: answer.body))
            switch format {
            case .html: bytes = Array(document.html(issuer: issuer, generatedAt: Day.vietnameseTime()).utf8)
            case .csv: bytes = document.csv
            default: bytes = Array((document.text + "\n").utf8)
            }
        }
        if let output {
            try Data(bytes).write(to: URL(fileURLWithPath: output))
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}
