import Models

/// Judges a submission's data against a criteria set: pure and deterministic, so a result can be
/// reproduced from the stored submission and the set version it names.
public enum CriteriaEngine {
    /// What a set makes of a unit's data.
    public struct Judged: Sendable, Equatable {
        /// `passed`/`failed` for recognition and model-unit sets, `classified` for classification sets.
        public let outcome: Evaluation.Outcome
        /// Every criterion's outcome, in the set's order.
        public let criteria: [CriterionOutcome]
        /// The total (classification sets only).
        public let points: Int?
        /// The level the total reaches (classification sets only).
        public let level: Level?
    }

    /// Judges `data` against `set`: every criterion's outcome with its Vietnamese reason; for a
    /// classification set, the points awarded, the total and its level.
    public static func judge(_ data: [String: JSONValue], against set: CriteriaSet) -> Judged {
        let outcomes = set.criteria.map { criterion in
            let (met, finding) = judge(criterion.rule, data)
            let citation = "\(set.legalSource), \(criterion.source)"
            var reason = (met ? "Đạt: " : "Chưa đạt: ") + finding
            var awarded: Int?
            if set.judgement == .classification, let points = criterion.points {
                awarded = met ? points : 0
                reason += met ? ", được \(points)/\(points) điểm" : ", 0/\(points) điểm"
            }
            return CriterionOutcome(
                criterion: criterion.id, met: met, reason: reason + " (\(citation)).", points: awarded)
        }
        guard set.judgement == .classification else {
            return Judged(
                outcome: outcomes.allSatisfy(\.met) ? .passed : .failed, criteria: outcomes, points: nil, level: nil)
        }
        let total = outcomes.reduce(0) { $0 + ($1.points ?? 0) }
        return Judged(outcome: .classified, criteria: outcomes, points: total, level: set.level(for: total))
    }

    /// Every criterion's outcome with its Vietnamese reason, and whether all were met.
    public static func evaluate(
        _ data: [String: JSONValue], against set: CriteriaSet
    ) -> (passed: Bool, criteria: [CriterionOutcome]) {
        let judged = judge(data, against: set)
        return (judged.criteria.allSatisfy(\.met), judged.criteria)
    }

    /// A one-line Vietnamese summary of a result.
    public static func summary(passed: Bool, criteria: [CriterionOutcome], set: CriteriaSet) -> String {
        let met = criteria.filter(\.met).count
        let verdict = passed ? "Đạt" : "Chưa đạt"
        return "\(verdict) \(set.title): \(met)/\(criteria.count) tiêu chí đạt (bộ tiêu chí \(set.reference))."
    }

    /// A one-line Vietnamese summary of what `set` made of a unit's data.
    public static func summary(_ judged: Judged, set: CriteriaSet) -> String {
        guard set.judgement == .classification, let points = judged.points else {
            return summary(passed: judged.outcome == .passed, criteria: judged.criteria, set: set)
        }
        let level = judged.level.map { "xếp loại \($0.name)" } ?? "chưa xếp loại"
        let provisional = set.levelsProvisional ? "ngưỡng xếp loại tạm thời; " : ""
        return
            "\(set.title): \(points)/\(set.maximumPoints) điểm, \(level) (\(provisional)bộ tiêu chí \(set.reference))."
    }

    private static func judge(_ rule: Rule, _ data: [String: JSONValue]) -> (Bool, String) {
        switch rule {
        case .yes(let field, let label):
            guard let value = data[field]?.bool else { return (false, "báo cáo chưa nêu \(label)") }
            return value ? (true, "có \(label)") : (false, "chưa có \(label)")
        case .atLeast(let field, let minimum, let label):
            guard let value = data[field]?.integer else { return (false, "báo cáo chưa nêu số \(label)") }
            return (value >= minimum, "\(value) \(label), yêu cầu ít nhất \(minimum)")
        case .atMost(let field, let maximum, let label):
            guard let value = data[field]?.integer else { return (false, "báo cáo chưa nêu số \(label)") }
            return (
                value <= maximum,
                maximum == 0 ? "\(value) \(label), yêu cầu không có" : "\(value) \(label), tối đa \(maximum)"
            )
        case .shareAtLeast(let numeratorField, let denominatorField, let percent, let label):
            guard let numerator = data[numeratorField]?.integer, let denominator = data[denominatorField]?.integer
            else {
                return (false, "báo cáo chưa nêu đủ số liệu về \(label)")
            }
            guard denominator > 0 else { return (false, "tổng số để tính tỷ lệ \(label) bằng 0") }
            let share = Double(numerator) * 100 / Double(denominator)
            let finding = "\(format(share))% \(label) (\(numerator)/\(denominator)), yêu cầu \(format(percent))%"
            return (share + 1e-9 >= percent, finding)
        case .noneOf(let field, let codes):
            guard let items = data[field]?.array else {
                return (false, "báo cáo chưa nêu tình hình các vụ việc thuộc danh mục")
            }
            let reported = items.compactMap(\.string).filter { codes[$0] != nil }
            guard !reported.isEmpty else { return (true, "không xảy ra vụ việc nào thuộc danh mục") }
            let names = reported.map { codes[$0] ?? $0 }.joined(separator: "; ")
            return (false, "đã xảy ra: \(names)")
        case .includes(let field, let code, let label):
            let values = data[field].map { $0.array?.compactMap(\.string) ?? $0.string.map { [$0] } ?? [] }
            guard let values else { return (false, "báo cáo chưa nêu \(label)") }
            return values.contains(code) ? (true, "có \(label)") : (false, "chưa có \(label)")
        }
    }

    /// A percentage the Vietnamese way: whole numbers plain, else one decimal with a comma ("87,5").
    static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded(.down) / 10
        if tenths == tenths.rounded(.down) { return String(Int(tenths)) }
        let whole = Int(tenths)
        let decimal = Int(((tenths - Double(whole)) * 10).rounded())
        return "\(whole),\(decimal)"
    }
}
