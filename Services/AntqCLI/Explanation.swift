import Criteria
import Models

/// `antq explain` as text: criterion by criterion, why a unit is or is not "an toàn", its level,
/// and what it still lacks to be "điển hình". Pure, so tests read exactly what a user reads.
enum Explanation {
    static func render(
        _ results: UnitResults, unitName: String?, unitKind: UnitKind?, catalog: CriteriaCatalog
    ) -> String {
        let period = Period(results.period)?.vietnameseName ?? results.period
        var lines = ["\(unitName ?? results.unit) (\(results.unit)) — \(period)"]
        guard !results.evaluations.isEmpty else {
            lines.append("Chưa có kết quả đánh giá nào của đơn vị trong kỳ này.")
            return lines.joined(separator: "\n")
        }
        for judgement in Judgement.allCases {
            let evaluations = results.evaluations.filter { $0.judgement == judgement }
            lines.append("")
            lines.append("■ \(heading(judgement))")
            guard !evaluations.isEmpty else {
                lines.append(
                    "  Chưa có kết quả: chưa có bộ tiêu chí áp dụng cho \(unitKind?.vietnameseName ?? "loại đơn vị này") hoặc chưa có báo cáo được đánh giá theo bộ này."
                )
                continue
            }
            for evaluation in evaluations {
                let set = evaluation.criteriaSet.flatMap(catalog.set(reference:))
                lines.append(
                    "  \(verdict(evaluation)) — bộ tiêu chí \(evaluation.criteriaSet ?? "?"), báo cáo \(evaluation.submission.key) lần \(evaluation.submission.version)"
                )
                for outcome in evaluation.criteria {
                    let text = set?.criteria.first { $0.id == outcome.criterion }?.text
                    lines.append("  \(outcome.met ? "✓" : "✗") \(outcome.criterion)\(text.map { " — \($0)" } ?? "")")
                    lines.append("      \(outcome.reason)")
                }
                if judgement == .modelUnit, evaluation.outcome == .failed {
                    let missing = evaluation.criteria.filter { !$0.met }
                    lines.append(
                        "  Còn thiếu \(missing.count)/\(evaluation.criteria.count) tiêu chí để đạt điển hình: "
                            + missing.map(\.criterion).joined(separator: ", ") + ".")
                }
                if judgement == .classification, let set, let points = evaluation.points {
                    let higher = set.levels.last { $0.minimumPoints > points }
                    if let higher {
                        lines.append("  Cần thêm \(higher.minimumPoints - points) điểm để đạt mức \(higher.name).")
                    }
                    if set.levelsProvisional { lines.append("  Ngưỡng xếp loại là tạm thời (chưa có văn bản gốc).") }
                }
            }
        }
        return lines.joined(separator: "\n")
    }

    static func heading(_ judgement: Judgement) -> String {
        switch judgement {
        case .recognition: "An toàn về an ninh, trật tự (Thông tư 124/2021/TT-BCA)"
        case .classification: "Đánh giá, phân loại phong trào (Quyết định 510/QĐ-BCA-V05)"
        case .modelUnit: "Điển hình về phong trào toàn dân bảo vệ an ninh Tổ quốc"
        }
    }

    static func verdict(_ evaluation: Evaluation) -> String {
        switch evaluation.outcome {
        case .passed: evaluation.judgement == .modelUnit ? "ĐẠT điển hình" : "ĐẠT"
        case .failed: evaluation.judgement == .modelUnit ? "CHƯA ĐẠT điển hình" : "CHƯA ĐẠT"
        case .classified:
            "Xếp loại \(evaluation.levelName ?? "?"): \(evaluation.points ?? 0)/\(evaluation.maximumPoints ?? 100) điểm"
        case .notApplicable: "Không áp dụng"
        }
    }
}
