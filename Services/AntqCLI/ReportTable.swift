import Models

/// The consolidated report as a text table, in Vietnamese.
enum ReportTable {
    static func render(_ report: Report) -> String {
        let header = ["Khu vực", "Loại đơn vị", "Đã nhận", "Đã đánh giá", "Đạt", "Chưa đạt", "Không áp dụng"]
        var rows = report.rows.map { row in
            [
                row.areaName, row.unitKind.vietnameseName, "\(row.received)", "\(row.evaluated)", "\(row.passed)",
                "\(row.failed)", "\(row.notApplicable)",
            ]
        }
        let total = report.rows.reduce(into: [0, 0, 0, 0, 0]) { sums, row in
            sums[0] += row.received
            sums[1] += row.evaluated
            sums[2] += row.passed
            sums[3] += row.failed
            sums[4] += row.notApplicable
        }
        rows.append(["Tổng cộng", ""] + total.map(String.init))
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index < 2 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        let title =
            "BÁO CÁO TỔNG HỢP PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC — \(Period(report.period)?.vietnameseName.uppercased() ?? report.period)"
        return ([title, line(header), rule] + rows.dropLast().map(line) + [rule, line(rows[rows.count - 1])]).joined(
            separator: "\n")
    }
}
