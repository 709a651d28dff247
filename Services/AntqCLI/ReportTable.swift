import Models

/// The consolidated report as a text table, in Vietnamese.
enum ReportTable {
    /// The classification levels of Decision 510/QĐ-BCA-V05, as the criteria files name them.
    static let levelColumns = [
        (id: "xuat_sac", name: "Xuất sắc"), (id: "kha", name: "Khá"), (id: "trung_binh", name: "Trung bình"),
        (id: "yeu", name: "Yếu"),
    ]

    static func render(_ report: Report) -> String {
        let header =
            [
                "Khu vực", "Loại đơn vị", "Đã nhận", "Đã đánh giá", "An toàn", "Chưa đạt", "Không áp dụng",
            ] + levelColumns.map(\.name) + ["Điển hình"]
        func counts(_ row: ReportRow) -> [Int] {
            [row.received, row.evaluated, row.passed, row.failed, row.notApplicable]
                + levelColumns.map { row.levels[$0.id] ?? 0 } + [row.modelUnits]
        }
        var rows = report.rows.map { row in
            [row.areaName, row.unitKind.vietnameseName] + counts(row).map(String.init)
        }
        let total = report.rows.reduce(into: Array(repeating: 0, count: header.count - 2)) { sums, row in
            for (index, count) in counts(row).enumerated() { sums[index] += count }
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

    /// Who reported each obligation of the year on time, late or not at all, summed over areas.
    static func renderObligations(_ report: Report) -> String? {
        guard let rows = report.obligations, !rows.isEmpty else { return nil }
        var order: [String] = []
        var totals: [String: (name: String, due: String, counts: [Int])] = [:]
        for row in rows {
            if totals[row.obligation] == nil {
                order.append(row.obligation)
                totals[row.obligation] = (row.name, row.due, [0, 0, 0, 0])
            }
            totals[row.obligation]?.counts[0] += row.expected
            totals[row.obligation]?.counts[1] += row.onTime
            totals[row.obligation]?.counts[2] += row.late
            totals[row.obligation]?.counts[3] += row.missing
        }
        let header = ["Nội dung", "Hạn", "Phải thực hiện", "Đúng hạn", "Muộn", "Chưa thực hiện"]
        let lines = order.compactMap { id in
            totals[id].map { [$0.name, Day($0.due)?.vietnamese ?? $0.due] + $0.counts.map(String.init) }
        }
        let widths = header.indices.map { column in ([header] + lines).map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index < 2 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        return
            (["TIẾN ĐỘ THỰC HIỆN CÁC NỘI DUNG PHẢI BÁO CÁO — NĂM \(report.period)", line(header), rule]
            + lines.map(line)).joined(separator: "\n")
    }
}
