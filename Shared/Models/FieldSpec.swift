/// The expected shape of one field in a submission's `data`.
public struct FieldSpec: Sendable {
    public enum ValueType: Sendable, Equatable {
        case boolean
        /// A whole number ≥ 0.
        case count
        case text(maxLength: Int)
        /// A list of codes, each from `allowed`.
        case codes(allowed: Set<String>)
        /// One code from `allowed`.
        case code(allowed: Set<String>)
        /// A date `YYYY-MM-DD`.
        case date
    }

    /// The largest count a submission may give (no unit has ten million of anything): keeps the
    /// province's sums far from overflowing.
    public static let maximumCount = 10_000_000

    public let name: String
    /// The Vietnamese label shown to users.
    public let label: String
    public let type: ValueType
    public let required: Bool

    public init(_ name: String, _ label: String, _ type: ValueType, required: Bool = false) {
        self.name = name
        self.label = label
        self.type = type
        self.required = required
    }
}
