import Models

/// Judges a submission's data against a criteria set: pure and deterministic, so a result can be
/// reproduced from the stored submission and the set version it names.
public enum CriteriaEngine {
    /// Every criterion's outcome with its Vietnamese reason, and whether all were met.
    public static func evaluate(
        _ data: [String: JSONValue], against set: CriteriaSet
    ) -> (passed: Bool, criteria: [CriterionOutcome]) {
        let outcomes = set.criteria.map { criterion in
            let (met, finding) = judge(criterion.rule, data)
            let citation = "\(set.legalSource), \(criterion.source)"
            let reason = (met ? "Đạt: " : "Chưa đạt: ") + finding + " (\(citation))."
            return CriterionOutcome(criterion: criterion.id, met: met, reason: reason)
        }
        return (outcomes.allSatisfy(\.met), outcomes)
    }

    /// A one-line Vietnamese summary of a result.
    public static func summary(passed: Bool, criteria: [CriterionOutcome], set: CriteriaSet) -> String {
        let met = criteria.filter(\.met).count
        let verdict = passed ? "Đạt" : "Chưa đạt"
        return "\(verdict) \(set.title): \(met)/\(criteria.count) tiêu chí đạt (bộ tiêu chí \(set.reference))."
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
