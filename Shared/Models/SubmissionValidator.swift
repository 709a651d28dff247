import Foundation

/// Checks a submission body and lists every problem, field by field, in Vietnamese.
///
/// Pure and deterministic: the registry and the current year come in from outside.
public struct SubmissionValidator: Sendable {
    public let registry: UnitRegistry
    /// Periods after `currentYear + 1` are refused.
    public let currentYear: Int
    /// Periods before this year are refused.
    public let firstYear: Int

    public init(registry: UnitRegistry, currentYear: Int, firstYear: Int = 2021) {
        self.registry = registry
        self.currentYear = currentYear
        self.firstYear = firstYear
    }

    private static let topLevelFields: Set<String> = ["submission_id", "unit", "kind", "period", "replaces", "data"]

    /// Decodes and checks `body`.
    public func validate(_ body: [UInt8]) -> Result<Submission, Rejection> {
        guard body.count <= Submission.maximumBodySize else {
            return .failure(
                Rejection(
                    submissionID: nil,
                    problems: [
                        Problem(
                            field: "", code: .tooLarge,
                            message:
                                "Nội dung gửi quá lớn: \(body.count) byte, tối đa \(Submission.maximumBodySize) byte.")
                    ]))
        }
        let root: JSONValue
        do {
            root = try JSONParser.parse(body)
        } catch {
            return .failure(
                Rejection(
                    submissionID: nil,
                    problems: [
                        Problem(
                            field: "", code: .malformedJSON,
                            message:
                                "Nội dung không phải JSON hợp lệ (UTF-8): lỗi tại byte \(error.offset) (\(error.reason))."
                        )
                    ]))
        }
        guard let object = root.object else {
            return .failure(
                Rejection(
                    submissionID: nil,
                    problems: [
                        Problem(
                            field: "", code: .notAnObject,
                            message: "Nội dung phải là một đối tượng JSON, nhận được \(root.typeName).")
                    ]))
        }
        var problems: [Problem] = []
        for name in object.keys.sorted() where !Self.topLevelFields.contains(name) {
            problems.append(
                Problem(
                    field: name, code: .unknownField,
                    message: "Trường “\(Self.clip(name))” không có trong mẫu báo cáo; hãy bỏ trường này."))
        }

        let submissionID = requiredString(object, "submission_id", "mã báo cáo", &problems)
        if let id = submissionID {
            if !Identifier.isValid(id, maximumLength: Submission.maximumIDLength) {
                problems.append(
                    Problem(
                        field: "submission_id", code: .invalidValue,
                        message:
                            "Mã báo cáo “\(Self.clip(id))” không hợp lệ: dùng 1–\(Submission.maximumIDLength) ký tự chữ, số hoặc . _ : -"
                    ))
            }
        }

        if let unitID = requiredString(object, "unit", "đơn vị", &problems) {
            if let unit = registry[unitID] {
                if !unit.kind.submitsReports {
                    problems.append(
                        Problem(
                            field: "unit", code: .unitCannotSubmit,
                            message:
                                "Đơn vị “\(unit.name)” (\(unit.kind.vietnameseName)) không tự gửi báo cáo; báo cáo do các đơn vị trực thuộc gửi."
                        ))
                }
            } else {
                problems.append(
                    Problem(
                        field: "unit", code: .unknownUnit,
                        message: "Không tìm thấy đơn vị có mã “\(Self.clip(unitID))” trong danh mục đơn vị."))
            }
        }
        var kind: SubmissionKind?
        if let kindName = requiredString(object, "kind", "loại báo cáo", &problems) {
            kind = SubmissionKind(rawValue: kindName)
            if kind == nil {
                let known = SubmissionKind.allCases.map(\.rawValue).joined(separator: ", ")
                problems.append(
                    Problem(
                        field: "kind", code: .unknownKind,
                        message: "Loại báo cáo “\(Self.clip(kindName))” không có; các loại hợp lệ: \(known)."))
            }
        }

        var period: Period?
        if let text = requiredString(object, "period", "kỳ báo cáo", &problems) {
            period = checkPeriod(text, kind: kind, &problems)
        }

        var replaces: String?
        if let value = object["replaces"], value != .null {
            if let text = value.string {
                if text.isEmpty {
                    problems.append(
                        Problem(
                            field: "replaces", code: .invalidValue,
                            message:
                                "Trường “replaces” (mã báo cáo được thay thế) không được rỗng; bỏ trường này nếu không thay thế báo cáo nào."
                        ))
                } else {
                    replaces = text
                }
            } else {
                problems.append(
                    Problem(
                        field: "replaces", code: .wrongType,
                        message:
                            "Trường “replaces” (mã báo cáo được thay thế) phải là chuỗi, nhận được \(value.typeName)."))
            }
        }

        var data: [String: JSONValue] = [:]
        if let value = object["data"] {
            if let dataObject = value.object {
                data = dataObject
                if let kind { checkData(dataObject, kind: kind, &problems) }
            } else {
                problems.append(
                    Problem(
                        field: "data", code: .notAnObject,
                        message: "Trường “data” (nội dung báo cáo) phải là đối tượng JSON, nhận được \(value.typeName)."
                    ))
            }
        } else {
            problems.append(
                Problem(field: "data", code: .missingField, message: "Thiếu trường bắt buộc “data” (nội dung báo cáo).")
            )
        }

        // The unit must exist in the tree as it stood during the period (units merge and move).
        if let unitID = object["unit"]?.string, let unit = registry[unitID], let period {
            let window = period.window(for: unit.kind)
            if registry.unit(unitID, during: window) == nil {
                let validity = [
                    unit.validFrom.map { "từ \($0.vietnamese)" }, unit.validTo.map { "đến \($0.vietnamese)" },
                ]
                .compactMap { $0 }.joined(separator: " ")
                let successors =
                    unit.successors.isEmpty ? "" : "; đơn vị kế thừa: \(unit.successors.joined(separator: ", "))"
                problems.append(
                    Problem(
                        field: "unit", code: .unitNotInPeriod,
                        message:
                            "Đơn vị “\(unit.name)” không còn hoặc chưa có trong kỳ \(period) (\(window.lowerBound.vietnamese)–\(window.upperBound.vietnamese)); hiệu lực \(validity)\(successors)."
                    ))
            }
            // What happened in the period happened inside its evaluation window.
            if let kind {
                for field in Self.datesInWindow[kind] ?? [] {
                    guard let text = data[field]?.string, let day = Day(text), !window.contains(day) else { continue }
                    problems.append(
                        Problem(
                            field: "data.\(field)", code: .invalidValue,
                            message:
                                "Ngày \(day.vietnamese) nằm ngoài kỳ \(period) của \(unit.kind.vietnameseName) (\(window.lowerBound.vietnamese)–\(window.upperBound.vietnamese)); hãy báo cáo vào kỳ có ngày đó."
                        ))
                }
            }
        }

        guard problems.isEmpty, let submissionID, let unit = object["unit"]?.string, let kind, let period else {
            return .failure(Rejection(submissionID: submissionID, problems: Self.capped(problems)))
        }
        return .success(
            Submission(
                submissionID: submissionID, unit: unit, kind: kind, period: period, replaces: replaces, data: data,
                body: body))
    }

    private func requiredString(
        _ object: [String: JSONValue], _ name: String, _ label: String, _ problems: inout [Problem]
    ) -> String? {
        guard let value = object[name] else {
            problems.append(
                Problem(field: name, code: .missingField, message: "Thiếu trường bắt buộc “\(name)” (\(label))."))
            return nil
        }
        guard let text = value.string else {
            problems.append(
                Problem(
                    field: name, code: .wrongType,
                    message: "Trường “\(name)” (\(label)) phải là chuỗi, nhận được \(value.typeName)."))
            return nil
        }
        return text
    }

    private func checkPeriod(_ text: String, kind: SubmissionKind?, _ problems: inout [Problem]) -> Period? {
        guard let period = Period(text) else {
            problems.append(
                Problem(
                    field: "period", code: .invalidPeriod,
                    message:
                        "Kỳ báo cáo “\(Self.clip(text))” không hợp lệ: dùng dạng NNNN (năm) hoặc NNNN-H1, NNNN-H2 (6 tháng)."
                ))
            return nil
        }
        guard (firstYear...(currentYear + 1)).contains(period.year) else {
            problems.append(
                Problem(
                    field: "period", code: .periodOutOfRange,
                    message: "Kỳ báo cáo \(period) nằm ngoài khoảng cho phép (\(firstYear)–\(currentYear + 1))."))
            return nil
        }
        if let kind, kind.isHalfYearly != (period.half != nil) {
            let expected = kind.isHalfYearly ? "NNNN-H1 hoặc NNNN-H2" : "NNNN"
            problems.append(
                Problem(
                    field: "period", code: .periodKindMismatch,
                    message: "Kỳ \(period) không phù hợp với loại “\(kind.vietnameseName)”; cần dạng \(expected)."))
            return nil
        }
        return period
    }

    private func checkData(_ data: [String: JSONValue], kind: SubmissionKind, _ problems: inout [Problem]) {
        let specs = SubmissionSchema.fields(of: kind)
        let positions = SubmissionSchema.positions(of: kind)
        // Check the fields sent and the required ones, in the form's order (not all 40-odd fields).
        var checked: [Int] = []
        checked.reserveCapacity(data.count + 4)
        var unknown: [String] = []
        for name in data.keys {
            if let position = positions[name] { checked.append(position) } else { unknown.append(name) }
        }
        for name in unknown.sorted() {
            problems.append(
                Problem(
                    field: "data.\(name)", code: .unknownField,
                    message:
                        "Trường “\(Self.clip(name))” không có trong mẫu “\(kind.vietnameseName)”; hãy kiểm tra lại tên trường."
                ))
        }
        for (position, spec) in specs.enumerated() where spec.required && data[spec.name] == nil {
            checked.append(position)
        }
        for spec in checked.sorted().map({ specs[$0] }) {
            let path = "data.\(spec.name)"
            guard let value = data[spec.name], value != .null else {
                if spec.required {
                    problems.append(
                        Problem(
                            field: path, code: .missingField,
                            message: "Thiếu trường bắt buộc “\(spec.name)” (\(spec.label))."))
                }
                continue
            }
            switch spec.type {
            case .boolean:
                if value.bool == nil {
                    problems.append(
                        Problem(
                            field: path, code: .wrongType,
                            message:
                                "Trường “\(spec.name)” (\(spec.label)) phải là true hoặc false, nhận được \(value.typeName)."
                        ))
                }
            case .count:
                if let number = value.integer {
                    if number < 0 {
                        problems.append(
                            Problem(
                                field: path, code: .invalidValue,
                                message: "Trường “\(spec.name)” (\(spec.label)) không được âm, nhận được \(number)."))
                    } else if number > FieldSpec.maximumCount {
                        problems.append(
                            Problem(
                                field: path, code: .invalidValue,
                                message:
                                    "Trường “\(spec.name)” (\(spec.label)) quá lớn: \(number), tối đa \(FieldSpec.maximumCount)."
                            ))
                    }
                } else {
                    problems.append(
                        Problem(
                            field: path, code: .wrongType,
                            message:
                                "Trường “\(spec.name)” (\(spec.label)) phải là số nguyên không âm, nhận được \(value.typeName)."
                        ))
                }
            case .text(let maxLength):
                if let text = value.string {
                    let length = text.unicodeScalars.count
                    if length > maxLength {
                        problems.append(
                            Problem(
                                field: path, code: .invalidValue,
                                message:
                                    "Trường “\(spec.name)” (\(spec.label)) dài \(length) ký tự, tối đa \(maxLength)."))
                    }
                } else {
                    problems.append(
                        Problem(
                            field: path, code: .wrongType,
                            message: "Trường “\(spec.name)” (\(spec.label)) phải là chuỗi, nhận được \(value.typeName)."
                        ))
                }
            case .code(let allowed):
                if let code = value.string, allowed.contains(code) { break }
                let shown = value.string.map { "“\(Self.clip($0))”" } ?? value.typeName
                problems.append(
                    Problem(
                        field: path, code: value.string == nil ? .wrongType : .invalidValue,
                        message:
                            "Trường “\(spec.name)” (\(spec.label)): \(shown) không phải mã hợp lệ; các mã hợp lệ: \(allowed.sorted().joined(separator: ", "))."
                    ))
            case .date:
                if let text = value.string, Day(text) != nil { break }
                problems.append(
                    Problem(
                        field: path, code: value.string == nil ? .wrongType : .invalidValue,
                        message: "Trường “\(spec.name)” (\(spec.label)) phải là ngày dạng NNNN-TT-NN, ví dụ 2025-08-19."
                    ))
            case .codes(let allowed):
                guard let items = value.array else {
                    problems.append(
                        Problem(
                            field: path, code: .wrongType,
                            message:
                                "Trường “\(spec.name)” (\(spec.label)) phải là danh sách mã, nhận được \(value.typeName)."
                        ))
                    continue
                }
                for (index, item) in items.enumerated() {
                    guard let code = item.string, allowed.contains(code) else {
                        let shown = item.string.map { "“\(Self.clip($0))”" } ?? item.typeName
                        problems.append(
                            Problem(
                                field: "\(path)[\(index)]", code: .invalidValue,
                                message:
                                    "Mã \(shown) không có trong danh mục \(spec.label); các mã hợp lệ: \(allowed.sorted().joined(separator: ", "))."
                            ))
                        continue
                    }
                }
            }
        }
        // Cross-field rules: a part cannot exceed its whole.
        guard kind == .selfAssessment else { return }
        for (part, whole) in Self.partsOfWholes {
            guard let partValue = data[part]?.integer, let wholeValue = data[whole]?.integer, partValue > wholeValue,
                let partSpec = specs.first(where: { $0.name == part }),
                let wholeSpec = specs.first(where: { $0.name == whole })
            else { continue }
            problems.append(
                Problem(
                    field: "data.\(part)", code: .invalidValue,
                    message:
                        "\(partSpec.label.capitalizedFirst) (\(partValue)) lớn hơn \(wholeSpec.label) (\(wholeValue)).")
            )
        }
        for (field, maximum) in Self.boundedCounts {
            guard let value = data[field]?.integer, value > maximum,
                let spec = specs.first(where: { $0.name == field })
            else { continue }
            problems.append(
                Problem(
                    field: "data.\(field)", code: .invalidValue,
                    message: "\(spec.label.capitalizedFirst) (\(value)) vượt quá \(maximum), số tối đa có thể có."))
        }
    }

    /// Count fields that are part of another: registered households of all households, and so on.
    private static let partsOfWholes = [
        ("households_registered", "households_total"), ("staff_briefed", "staff_total"),
        ("staff_participating", "staff_total"),
    ]

    /// Count fields with a natural maximum: the yearly events are the seven of seed 004, III.2.
    private static let boundedCounts = [("annual_events_held", SubmissionSchema.eventCodes.count)]

    /// Date fields that must fall in the period's evaluation window (a model may have started
    /// years earlier, so `started_on` is not among them).
    private static let datesInWindow: [SubmissionKind: [String]] = [.eventParticipation: ["held_on"]]

    /// Most problems one rejection lists, so a small body cannot make a huge answer.
    public static let maximumProblems = 50

    private static func capped(_ problems: [Problem]) -> [Problem] {
        guard problems.count > maximumProblems else { return problems }
        let more = problems.count - maximumProblems
        return Array(problems.prefix(maximumProblems)) + [
            Problem(
                field: "", code: .tooManyProblems,
                message: "Còn \(more) lỗi khác chưa liệt kê; hãy sửa các lỗi trên rồi gửi lại.")
        ]
    }

    /// Keeps echoed user input short in messages.
    static func clip(_ text: String) -> String {
        text.count > 60 ? String(text.prefix(60)) + "…" : text
    }
}

/// Why a submission was refused: every problem found.
public struct Rejection: Error, Codable, Sendable, Equatable {
    /// The submission id, when the body had a readable one.
    public let submissionID: String?
    public let problems: [Problem]

    public init(submissionID: String?, problems: [Problem]) {
        self.submissionID = submissionID
        self.problems = problems
    }

    /// A rejection for one problem.
    public init(submissionID: String?, field: String, code: ProblemCode, message: String) {
        self.init(submissionID: submissionID, problems: [Problem(field: field, code: code, message: message)])
    }

    enum CodingKeys: String, CodingKey {
        case submissionID = "submission_id"
        case problems
    }
}

extension String {
    /// The string with its first letter in upper case ("số hộ" → "Số hộ").
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
