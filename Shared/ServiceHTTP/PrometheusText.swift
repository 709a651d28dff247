import ServiceKit

/// Metrics in Prometheus' text exposition format, written by hand: a service has a few dozen, read
/// on each scrape from its store, so a metrics library would add weight and no value.
public struct PrometheusText: Sendable {
    public private(set) var text = ""
    private var described: Set<String> = []

    public init() {}

    /// A value that goes up and down (`# TYPE name gauge`).
    public mutating func gauge(_ name: String, _ help: String, _ value: Double, labels: [String: String] = [:]) {
        sample(name, help, "gauge", value, labels)
    }

    /// A value that only goes up (`# TYPE name counter`; the name should end in `_total`).
    public mutating func counter(_ name: String, _ help: String, _ value: Double, labels: [String: String] = [:]) {
        sample(name, help, "counter", value, labels)
    }

    private mutating func sample(
        _ name: String, _ help: String, _ type: String, _ value: Double, _ labels: [String: String]
    ) {
        if described.insert(name).inserted {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        text += name
        if !labels.isEmpty {
            text +=
                "{"
                + labels.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\"\(Self.escape($0.value))\"" }
                .joined(separator: ",") + "}"
        }
        let whole = value.rounded()
        text += " " + (whole == value && abs(value) < 1e15 ? "\(Int64(whole))" : "\(value)") + "\n"
    }

    /// Label values escape backslash, quote and line feed.
    static func escape(_ value: String) -> String {
        var result = ""
        for character in value {
            switch character {
            case "\\": result += "\\\\"
            case "\"": result += "\\\""
            case "\n": result += "\\n"
            default: result.append(character)
            }
        }
        return result
    }
}

extension PrometheusText {
    /// Adds what a service's loop published (``LiveFigures``).
    public mutating func append(_ figures: [LiveFigures.Figure]) {
        for figure in figures {
            if figure.isCounter {
                counter(figure.name, figure.help, figure.value, labels: figure.labels)
            } else {
                gauge(figure.name, figure.help, figure.value, labels: figure.labels)
            }
        }
    }
}
