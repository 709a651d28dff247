extension ReportDocument {
    /// The report as text tables, for a terminal (`antq report`).
    public var text: String {
        ([title] + sections.map { Self.table($0) }).joined(separator: "\n\n")
    }

    /// A text table: text columns left-aligned, figures right-aligned, an optional total line.
    static func table(_ section: ReportSection) -> String {
        let all = [section.header] + section.rows + (section.total.map { [$0] } ?? [])
        let widths = section.header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index < section.firstFigure ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        return
            ([section.title, line(section.header), rule] + section.rows.map(line)
            + (section.total.map { [rule, line($0)] } ?? [])).joined(separator: "\n")
    }
}
