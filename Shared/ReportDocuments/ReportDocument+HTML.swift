extension ReportDocument {
    /// The report as one printable HTML page (A4, print CSS, no external assets).
    /// - Parameters:
    ///   - issuer: the office that issues it, e.g. "CÔNG AN TỈNH TUYÊN QUANG".
    ///   - generatedAt: when it was made, as the reader should see it (e.g. "25/11/2026 17:30").
    public func html(issuer: String, generatedAt: String) -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="vi">
            <head>
            <meta charset="utf-8">
            <title>\(Self.escape(title))</title>
            <style>
            \(Self.printStyle)
            </style>
            </head>
            <body>
            <header class="letterhead">
            <div class="issuer"><p>\(Self.escape(issuer))</p><p class="rule">&nbsp;</p></div>
            <div class="motto"><p><strong>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</strong></p>
            <p><strong>Độc lập - Tự do - Hạnh phúc</strong></p><p class="rule">&nbsp;</p></div>
            </header>
            <h1>\(Self.escape(title))</h1>
            <p class="generated">Số liệu tổng hợp lúc \(Self.escape(generatedAt)) từ hệ thống theo dõi phong trào.</p>

            """
        for section in sections {
            html += "<section id=\"\(section.id)\">\n<h2>\(Self.escape(section.title))</h2>\n<table>\n<thead><tr>"
            for (index, cell) in section.header.enumerated() {
                html += "<th\(index >= section.firstFigure ? " class=\"n\"" : "")>\(Self.escape(cell))</th>"
            }
            html += "</tr></thead>\n<tbody>\n"
            for row in section.rows { html += Self.row(row, firstFigure: section.firstFigure, tag: "td") }
            html += "</tbody>\n"
            if let total = section.total {
                html += "<tfoot>\n" + Self.row(total, firstFigure: section.firstFigure, tag: "td") + "</tfoot>\n"
            }
            html += "</table>\n</section>\n"
        }
        html += "</body>\n</html>\n"
        return html
    }

    static func row(_ cells: [String], firstFigure: Int, tag: String) -> String {
        "<tr>"
            + cells.enumerated().map { index, cell in
                "<\(tag)\(index >= firstFigure ? " class=\"n\"" : "")>\(escape(cell))</\(tag)>"
            }.joined() + "</tr>\n"
    }

    /// Text made safe inside HTML elements and quoted attributes.
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// A4 portrait, Times New Roman as official documents use, tables that break between rows.
    static let printStyle = """
        @page { size: A4; margin: 20mm 15mm 20mm 30mm; }
        body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif; font-size: 13pt;
               color: #000; margin: 0 auto; max-width: 180mm; }
        .letterhead { display: flex; justify-content: space-between; text-align: center; font-size: 12pt; }
        .letterhead p { margin: 0; }
        .letterhead .rule { border-top: 1px solid #000; width: 40%; margin: 2pt auto 0; line-height: 2pt; }
        h1 { font-size: 14pt; text-align: center; margin: 18pt 0 4pt; }
        h2 { font-size: 13pt; margin: 14pt 0 4pt; break-after: avoid; }
        .generated { text-align: center; font-style: italic; margin: 0 0 10pt; }
        table { width: 100%; border-collapse: collapse; font-size: 11pt; }
        th, td { border: 1px solid #000; padding: 2pt 4pt; vertical-align: top; }
        th { background: #eee; }
        .n { text-align: right; font-variant-numeric: tabular-nums; }
        tfoot td { font-weight: bold; }
        tr { break-inside: avoid; }
        thead { display: table-header-group; }
        @media screen { body { margin: 24px auto; } }
        """
}
