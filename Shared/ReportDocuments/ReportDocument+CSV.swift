extension ReportDocument {
    /// The report as CSV (RFC 4180, CRLF lines), UTF-8 with a byte-order mark so that Excel reads the
    /// diacritics: each section as its title, its header and its rows, a blank line between sections.
    public var csv: [UInt8] {
        var lines = [Self.csvLine([title])]
        for section in sections {
            lines.append("")
            lines.append(Self.csvLine([section.title]))
            lines.append(Self.csvLine(section.header))
            for row in section.rows { lines.append(Self.csvLine(row)) }
            if let total = section.total { lines.append(Self.csvLine(total)) }
        }
        return [0xEF, 0xBB, 0xBF] + Array(lines.joined(separator: "\r\n").utf8) + Array("\r\n".utf8)
    }

    /// Cells quoted when they hold a comma, a quote or a line break (quotes doubled).
    static func csvLine(_ cells: [String]) -> String {
        cells.map { cell in
            cell.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" })
                ? "\"" + cell.replacingAll("\"", with: "\"\"") + "\"" : cell
        }.joined(separator: ",")
    }
}

extension String {
    /// Every `target` replaced (Foundation-free, so the module stays small).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}
