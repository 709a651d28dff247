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
        let rows = report.rows.map { row in
            [row.areaName, row.unitKind.vietnameseName] + counts(row).map(String.init)
        }
        let total = report.rows.reduce(into: Array(repeating: 0, count: header.count - 2)) { sums, row in
            for (index, count) in counts(row).enumerated() { sums[index] += count }
        }
        let title =
            "BÁO CÁO TỔNG HỢP PHONG TRÀO TOÀN DÂN BẢO VỆ AN NINH TỔ QUỐC — \(Period(report.period)?.vietnameseName.uppercased() ?? report.period)"
        return table(title: title, header: header, rows: rows, total: ["Tổng cộng", ""] + total.map(String.init))
    }

    /// A text table: the first two columns left-aligned, the counts right-aligned, an optional total line.
    static func table(title: String, header: [String], rows: [[String]], total: [String]? = nil) -> String {
        let all = [header] + rows + (total.map { [$0] } ?? [])
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { index, cell in
                let pad = String(repeating: " ", count: widths[index] - cell.count)
                return index < 2 ? cell + pad : pad + cell
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ")
        return ([title, line(header), rule] + rows.map(line) + (total.map { [rule, line($0)] } ?? [])).joined(
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
        return table(
            title: "TIẾN ĐỘ THỰC HIỆN CÁC NỘI DUNG PHẢI BÁO CÁO — NĂM \(report.period)", header: header, rows: lines)
    }

    /// Progress against the plan's targets of the year.
    static func renderTargets(_ report: Report) -> String? {
        guard let targets = report.targets, !targets.isEmpty else { return nil }
        let rows = targets.map { target in
            let progress =
                target.blocks.map { "\(target.blocksMet ?? 0)/\($0) khối đạt \(target.required) đơn vị" }
                ?? "\(target.modelUnits)/\(target.required) đơn vị"
            return [
                target.name, target.met ? "Đạt" : "Chưa đạt", "\(target.inScope)", "\(target.modelUnits)", progress,
            ]
        }
        return table(
            title: "TIẾN ĐỘ THỰC HIỆN CHỈ TIÊU ĐIỂN HÌNH — NĂM \(report.period)",
            header: ["Chỉ tiêu", "Kết quả", "Số đơn vị", "Điển hình", "Tiến độ"], rows: rows)
    }
}
