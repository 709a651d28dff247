import Models
import ReportDocuments

/// The dashboard a person reads at a glance, and its drill-down pages: HTML with inline SVG charts,
/// served with its own stylesheet and script (no CDN: the machines may be offline).
enum Dashboard {
    static let onTimeColour = "#2e7d32"
    static let lateColour = "#f9a825"
    static let missingColour = "#c62828"

    // MARK: - The province

    static func page(report: Report, missing: [UnitObligationStatus], today: Day?, issuer: String) -> String {
        let year = Period(report.period)?.year ?? 2025
        let completeness = CompletenessByArea(report.obligations ?? [])
        let passed = report.rows.reduce(0) { $0 + $1.passed }
        let failed = report.rows.reduce(0) { $0 + $1.failed }
        let modelUnits = report.rows.reduce(0) { $0 + $1.modelUnits }
        let targets = report.targets ?? []
        let previous = (report.comparison ?? []).reduce((passed: 0, model: 0)) {
            ($0.passed + $1.previousPassed, $0.model + $1.previousModelUnits)
        }
        let pastDue = missing.filter { entry in
            guard let today, let due = Day(entry.due) else { return true }
            return due < today
        }
        var body = """
            <header class="top">
            <h1>Phong trào toàn dân bảo vệ an ninh Tổ quốc — \(esc(issuer))</h1>
            <form class="period" action="/dashboard" method="get">
            <label for="year">Năm</label>
            <select id="year" name="year">\((year - 3...year + 1).map { "<option value=\"\($0)\"\($0 == year ? " selected" : "")>\($0)</option>" }.joined())</select>
            <noscript><button type="submit">Xem</button></noscript>
            </form>
            <nav><a href="/reports/\(year).html">Báo cáo năm \(year) (in)</a> · <a href="/reports/\(year).csv">CSV</a> · <a href="/reports/\(year).json">JSON</a></nav>
            </header>
            <section class="tiles">
            \(tile("tile-on-time", "Báo cáo đúng hạn", ReportDocument.percent(completeness.total.onTime, of: completeness.total.expected), "\(completeness.total.onTime)/\(completeness.total.expected) lượt phải báo cáo"))
            \(tile("tile-missing", "Chưa báo cáo (quá hạn)", "\(pastDue.count)", "lượt đơn vị chưa thực hiện"))
            \(tile("tile-safe", "Đạt \"an toàn về ANTT\"", "\(passed)", "\(failed) đơn vị chưa đạt; năm \(year - 1): \(previous.passed)"))
            \(tile("tile-model", "Điển hình", "\(modelUnits)", "đơn vị đạt tiêu chí điển hình; năm \(year - 1): \(previous.model)"))
            \(tile("tile-targets", "Chỉ tiêu đạt", "\(targets.filter(\.met).count)/\(targets.count)", "chỉ tiêu năm \(year)"))
            </section>

            """
        body += "<section id=\"completeness\"><h2>Tiến độ báo cáo theo khu vực</h2>\n"
        body +=
            completeness.areas.isEmpty
            ? "<p>Chưa có lịch báo cáo cho năm \(year).</p>" : completenessChart(completeness, year: year)
        body += "</section>\n"
        body +=
            "<section id=\"results\"><h2>Kết quả đánh giá theo khu vực</h2>\n\(resultsTable(report, year: year))</section>\n"
        body += "<section id=\"levels\"><h2>Xếp loại phong trào (QĐ 510)</h2>\n\(levelsChart(report))</section>\n"
        body +=
            "<section id=\"targets\"><h2>Tiến độ chỉ tiêu điển hình năm \(year)</h2>\n\(targetsChart(targets))</section>\n"
        body +=
            "<section id=\"missing\"><h2>Đơn vị chưa báo cáo (đã quá hạn)</h2>\n\(missingTable(pastDue, year: year))</section>\n"
        return document(title: "Bảng điều khiển — năm \(year)", body: body)
    }

    static func tile(_ id: String, _ label: String, _ value: String, _ note: String) -> String {
        "<div class=\"tile\" id=\"\(id)\"><div class=\"label\">\(esc(label))</div><div class=\"value\">\(esc(value))</div><div class=\"note\">\(esc(note))</div></div>"
    }

    /// One stacked bar per area: on time, late, missing.
    static func completenessChart(_ completeness: CompletenessByArea, year: Int) -> String {
        let rowHeight = 26
        let labelWidth = 230
        let barWidth = 560
        let height = rowHeight * completeness.areas.count + 30
        var svg =
            "<svg class=\"chart\" role=\"img\" aria-label=\"Tiến độ báo cáo theo khu vực\" viewBox=\"0 0 \(labelWidth + barWidth + 70) \(height)\" width=\"100%\">"
        for (index, area) in completeness.areas.enumerated() {
            let y = index * rowHeight
            svg +=
                "<text x=\"0\" y=\"\(y + 17)\" class=\"area-label\"><a href=\"/areas/\(esc(area.area))?year=\(year)\">\(esc(area.name))</a></text>"
            var x = labelWidth
            for (count, colour, name) in [
                (area.onTime, onTimeColour, "đúng hạn"), (area.late, lateColour, "muộn"),
                (area.missing, missingColour, "chưa báo cáo"),
            ] where count > 0 {
                let width = area.expected > 0 ? max(1, barWidth * count / area.expected) : 0
                svg +=
                    "<rect x=\"\(x)\" y=\"\(y + 4)\" width=\"\(width)\" height=\"\(rowHeight - 8)\" fill=\"\(colour)\"><title>\(esc(area.name)): \(count) \(name)</title></rect>"
                x += width
            }
            svg +=
                "<text x=\"\(labelWidth + barWidth + 6)\" y=\"\(y + 17)\" class=\"figure\">\(ReportDocument.percent(area.onTime, of: area.expected))</text>"
        }
        let legendY = rowHeight * completeness.areas.count + 14
        svg += legend(
            [("Đúng hạn", onTimeColour), ("Muộn", lateColour), ("Chưa báo cáo", missingColour)], x: labelWidth,
            y: legendY)
        return svg + "</svg>"
    }

    static func legend(_ entries: [(String, String)], x: Int, y: Int) -> String {
        var svg = ""
        var left = x
        for (name, colour) in entries {
            svg +=
                "<rect x=\"\(left)\" y=\"\(y - 9)\" width=\"12\" height=\"12\" fill=\"\(colour)\"/><text x=\"\(left + 16)\" y=\"\(y + 1)\" class=\"legend\">\(esc(name))</text>"
            left += 30 + name.count * 8
        }
        return svg
    }

    static func resultsTable(_ report: Report, year: Int) -> String {
        var byArea: [String: (name: String, received: Int, passed: Int, failed: Int, model: Int)] = [:]
        var order: [String] = []
        for row in report.rows {
            if byArea[row.area] == nil {
                order.append(row.area)
                byArea[row.area] = (row.areaName, 0, 0, 0, 0)
            }
            byArea[row.area]?.received += row.received
            byArea[row.area]?.passed += row.passed
            byArea[row.area]?.failed += row.failed
            byArea[row.area]?.model += row.modelUnits
        }
        guard !order.isEmpty else { return "<p>Chưa có dữ liệu của năm \(year).</p>" }
        var html =
            "<table class=\"grid\"><thead><tr><th>Khu vực</th><th class=\"n\">Hồ sơ đã nhận</th><th class=\"n\">An toàn</th><th class=\"n\">Chưa đạt</th><th class=\"n\">Điển hình</th><th>Tỷ lệ an toàn</th></tr></thead><tbody>"
        for area in order {
            guard let line = byArea[area] else { continue }
            let judged = line.passed + line.failed
            let width = judged > 0 ? 120 * line.passed / judged : 0
            html +=
                "<tr><td><a href=\"/areas/\(esc(area))?year=\(year)\">\(esc(line.name))</a></td><td class=\"n\">\(line.received)</td><td class=\"n\">\(line.passed)</td><td class=\"n\">\(line.failed)</td><td class=\"n\">\(line.model)</td><td><svg width=\"170\" height=\"14\" role=\"img\" aria-label=\"\(ReportDocument.percent(line.passed, of: judged))\"><rect x=\"0\" y=\"2\" width=\"120\" height=\"10\" fill=\"#e0e0e0\"/><rect x=\"0\" y=\"2\" width=\"\(width)\" height=\"10\" fill=\"\(onTimeColour)\"/><text x=\"126\" y=\"11\" class=\"figure\">\(ReportDocument.percent(line.passed, of: judged))</text></svg></td></tr>"
        }
        return html + "</tbody></table>"
    }

    static func levelsChart(_ report: Report) -> String {
        var totals: [String: Int] = [:]
        for row in report.rows { totals.merge(row.levels, uniquingKeysWith: +) }
        let all = ReportDocument.levelColumns.reduce(0) { $0 + (totals[$1.id] ?? 0) }
        guard all > 0 else { return "<p>Chưa có đơn vị được xếp loại.</p>" }
        let colours = ["#1565c0", "#42a5f5", "#ffb74d", "#e53935"]
        var svg =
            "<svg class=\"chart\" role=\"img\" aria-label=\"Xếp loại phong trào\" viewBox=\"0 0 860 60\" width=\"100%\">"
        var x = 0
        for (index, level) in ReportDocument.levelColumns.enumerated() {
            let count = totals[level.id] ?? 0
            guard count > 0 else { continue }
            let width = max(1, 800 * count / all)
            svg +=
                "<rect x=\"\(x)\" y=\"0\" width=\"\(width)\" height=\"24\" fill=\"\(colours[index])\"><title>\(esc(level.name)): \(count)</title></rect>"
            if width > 40 { svg += "<text x=\"\(x + 4)\" y=\"17\" class=\"on-bar\">\(count)</text>" }
            x += width
        }
        svg += legend(
            ReportDocument.levelColumns.enumerated().map { ("\($1.name) (\(totals[$1.id] ?? 0))", colours[$0]) }, x: 0,
            y: 48)
        return svg + "</svg>"
    }

    static func targetsChart(_ targets: [TargetRow]) -> String {
        guard !targets.isEmpty else { return "<p>Không có chỉ tiêu cho năm này.</p>" }
        var html =
            "<table class=\"grid\"><thead><tr><th>Chỉ tiêu</th><th>Tiến độ</th><th>Kết quả</th></tr></thead><tbody>"
        for target in targets {
            let (done, needed) =
                target.blocks.map { (target.blocksMet ?? 0, $0) } ?? (target.modelUnits, target.required)
            let width = needed > 0 ? min(200, 200 * done / needed) : 200
            let label = target.blocks != nil ? "\(done)/\(needed) khối" : "\(done)/\(needed) đơn vị"
            html +=
                "<tr class=\"\(target.met ? "met" : "unmet")\"><td>\(esc(target.name))</td><td><svg width=\"300\" height=\"16\" role=\"img\" aria-label=\"\(esc(label))\"><rect x=\"0\" y=\"3\" width=\"200\" height=\"10\" fill=\"#e0e0e0\"/><rect x=\"0\" y=\"3\" width=\"\(width)\" height=\"10\" fill=\"\(target.met ? onTimeColour : lateColour)\"/><text x=\"206\" y=\"12\" class=\"figure\">\(esc(label))</text></svg></td><td>\(target.met ? "Đạt" : "Chưa đạt")</td></tr>"
        }
        return html + "</tbody></table>"
    }

    static func missingTable(_ missing: [UnitObligationStatus], year: Int) -> String {
        guard !missing.isEmpty else { return "<p>Không có đơn vị nào chưa báo cáo.</p>" }
        let shown = missing.prefix(200)
        var html = """
            <p><label for="missing-filter">Lọc</label> <input id="missing-filter" type="search" placeholder="Tên đơn vị, khu vực…"></p>
            <table class="grid" id="missing-table"><thead><tr><th>Đơn vị</th><th>Khu vực</th><th>Nội dung</th><th>Hạn</th></tr></thead><tbody>
            """
        for entry in shown {
            html +=
                "<tr><td><a href=\"/units/\(esc(entry.unit))?year=\(year)\">\(esc(entry.unitName))</a></td><td>\(esc(entry.areaName))</td><td>\(esc(entry.name))</td><td>\(Day(entry.due)?.vietnamese ?? entry.due)</td></tr>"
        }
        html += "</tbody></table>"
        if missing.count > shown.count {
            html +=
                "<p>… và \(missing.count - shown.count) lượt khác (<a href=\"/api/v1/missing?year=\(year)\">danh sách đầy đủ</a>).</p>"
        }
        return html
    }

    // MARK: - Drill-down

    static func areaPage(area: String, name: String, year: Int, units: [UnitStanding]) -> String {
        var body =
            "<header class=\"top\"><h1>\(esc(name)) — năm \(year)</h1><nav><a href=\"/dashboard?year=\(year)\">← Toàn tỉnh</a></nav></header>\n"
        body +=
            "<table class=\"grid\" id=\"units\"><thead><tr><th>Đơn vị</th><th>Loại</th><th class=\"n\">Hồ sơ</th><th>Kết quả</th><th>Báo cáo chưa thực hiện</th></tr></thead><tbody>"
        for unit in units {
            let results = unit.results.map { "\(esc($0.criteriaSet)): \(esc(outcomeName($0)))" }.joined(
                separator: "<br>")
            let missing = unit.obligations.filter { $0.status == .missing }.map { esc($0.name) }.joined(
                separator: "<br>")
            body +=
                "<tr><td><a href=\"/units/\(esc(unit.unit))?year=\(year)\">\(esc(unit.name))</a></td><td>\(esc(unit.unitKind.vietnameseName))</td><td class=\"n\">\(unit.submissions)</td><td>\(results.isEmpty ? "—" : results)</td><td>\(missing.isEmpty ? "—" : missing)</td></tr>"
        }
        body += "</tbody></table>"
        return document(title: "\(name) — năm \(year)", body: body)
    }

    static func unitPage(_ detail: UnitDetail) -> String {
        let standing = detail.standing
        var body = """
            <header class="top"><h1>\(esc(standing.name)) — năm \(standing.year)</h1>
            <nav><a href="/areas/\(esc(standing.area))?year=\(standing.year)">← \(esc(standing.areaName))</a></nav></header>

            """
        body +=
            "<section id=\"obligations\"><h2>Các nội dung phải báo cáo</h2><table class=\"grid\"><thead><tr><th>Nội dung</th><th>Hạn</th><th>Tình trạng</th></tr></thead><tbody>"
        for entry in standing.obligations {
            let status =
                switch entry.status {
                case .onTime: "Đúng hạn (\(Day(entry.metOn ?? "")?.vietnamese ?? ""))"
                case .late: "Muộn (\(Day(entry.metOn ?? "")?.vietnamese ?? ""))"
                case .missing: "Chưa thực hiện"
                }
            body +=
                "<tr class=\"\(entry.status.rawValue)\"><td>\(esc(entry.name))</td><td>\(Day(entry.due)?.vietnamese ?? entry.due)</td><td>\(esc(status))</td></tr>"
        }
        body += "</tbody></table></section>\n"
        for evaluation in detail.evaluations {
            let set = evaluation.criteriaSet ?? "—"
            body +=
                "<section class=\"evaluation\"><h2>\(esc(set)): \(esc(evaluation.outcome.rawValue == "passed" ? "Đạt" : evaluation.outcome.rawValue == "failed" ? "Chưa đạt" : "Không áp dụng"))"
            if let level = evaluation.levelName ?? evaluation.level { body += " — \(esc(level))" }
            if let points = evaluation.points { body += " — \(points) điểm" }
            body +=
                "</h2><p>\(esc(evaluation.summary))</p><table class=\"grid\"><thead><tr><th>Tiêu chí</th><th>Kết quả</th><th>Lý do</th></tr></thead><tbody>"
            for criterion in evaluation.criteria {
                body +=
                    "<tr class=\"\(criterion.met ? "met" : "unmet")\"><td>\(esc(criterion.criterion))</td><td>\(criterion.met ? "Đạt" : "Chưa đạt")\(criterion.points.map { " (\($0) điểm)" } ?? "")</td><td>\(esc(criterion.reason))</td></tr>"
            }
            body += "</tbody></table></section>\n"
        }
        if detail.evaluations.isEmpty { body += "<p>Chưa có kết quả đánh giá của năm \(standing.year).</p>" }
        return document(title: "\(standing.name) — năm \(standing.year)", body: body)
    }

    static func outcomeName(_ standing: SetStanding) -> String {
        var text = standing.outcome == "passed" ? "Đạt" : standing.outcome == "failed" ? "Chưa đạt" : "Không áp dụng"
        if let level = standing.level { text += " (\(levelName(level)))" }
        return text
    }

    static func levelName(_ level: String) -> String {
        ReportDocument.levelColumns.first { $0.id == level }?.name ?? level
    }

    // MARK: - Frame

    static func document(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="vi">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(esc(title))</title>
        <link rel="icon" href="data:,">
        <link rel="stylesheet" href="/assets/dashboard.css">
        <script src="/assets/dashboard.js" defer></script>
        </head>
        <body>
        \(body)
        </body>
        </html>

        """
    }

    static func esc(_ text: String) -> String { ReportDocument.escape(text) }

    static let css = """
        body { font-family: "Noto Sans", "DejaVu Sans", "Liberation Sans", sans-serif; margin: 0 auto; max-width: 1100px;
               padding: 16px; color: #212121; background: #fafafa; }
        .top { display: flex; flex-wrap: wrap; align-items: baseline; gap: 16px; border-bottom: 3px solid #b71c1c; }
        .top h1 { font-size: 22px; margin: 8px 0; flex: 1 1 100%; color: #b71c1c; }
        .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); gap: 12px; margin: 16px 0; }
        .tile { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px; }
        .tile .label { font-size: 13px; color: #555; }
        .tile .value { font-size: 30px; font-weight: bold; margin: 4px 0; }
        .tile .note { font-size: 12px; color: #777; }
        #tile-missing .value { color: #c62828; }
        #tile-on-time .value { color: #2e7d32; }
        section { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px 16px; margin: 12px 0; }
        h2 { font-size: 17px; margin: 4px 0 10px; }
        .chart text { font-size: 13px; fill: #212121; }
        .chart .on-bar { fill: #fff; font-weight: bold; }
        .chart a { fill: #0d47a1; }
        .figure { font-size: 12px; }
        table.grid { border-collapse: collapse; width: 100%; font-size: 14px; }
        table.grid th, table.grid td { border-bottom: 1px solid #e0e0e0; padding: 4px 6px; text-align: left; vertical-align: top; }
        table.grid th { background: #f5f5f5; }
        .n { text-align: right !important; font-variant-numeric: tabular-nums; }
        tr.unmet td:last-child, tr.missing td:last-child { color: #c62828; }
        tr.late td:last-child { color: #e65100; }
        a { color: #0d47a1; }
        @media print { .period, nav, #missing-filter { display: none; } body { background: #fff; } }
        """

    static let script = """
        "use strict";
        // The dashboard's only script: the year selector reloads the page, the filter narrows the
        // list of units that have not reported. Nothing is fetched from elsewhere.
        document.addEventListener("DOMContentLoaded", function () {
          var year = document.getElementById("year");
          if (year) {
            year.addEventListener("change", function () { year.form.submit(); });
          }
          var filter = document.getElementById("missing-filter");
          var table = document.getElementById("missing-table");
          if (filter && table) {
            filter.addEventListener("input", function () {
              var wanted = filter.value.trim().toLowerCase();
              Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
                row.hidden = wanted !== "" && row.textContent.toLowerCase().indexOf(wanted) === -1;
              });
            });
          }
          document.documentElement.setAttribute("data-ready", "true");
        });
        """
}
