// libFuzzer targets for every decoder of bytes that come from outside (decision 0017, docs/security.md).
// Built and run by scripts/fuzz; the target is chosen by ANTQ_FUZZ_TARGET. A decoder may refuse any
// input; it must never crash, hang or loop. A crash found becomes a test beside the decoder's tests.
import Criteria
import Foundation
import Models
import Obligations
import SecurityFiles

/// The registry intake validates against (the project's own).
nonisolated(unsafe) private var registry: UnitRegistry?
nonisolated(unsafe) private var target = ""
/// Where file formats are written for their loaders.
nonisolated(unsafe) private var scratch = URL(fileURLWithPath: NSTemporaryDirectory())

@_cdecl("LLVMFuzzerInitialize")
public func initialize(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>>>
) -> CInt {
    target = ProcessInfo.processInfo.environment["ANTQ_FUZZ_TARGET"] ?? ""
    registry = try? UnitRegistry.load(from: URL(fileURLWithPath: "data/units/tuyen-quang.json"))
    scratch = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("antq-fuzz-\(getpid())")
    try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    return 0
}

/// Frames from bytes: each frame is a length byte and that many bytes.
private func frames(_ bytes: [UInt8]) -> [[UInt8]] {
    var frames: [[UInt8]] = []
    var index = 0
    while index < bytes.count {
        let length = Int(bytes[index])
        index += 1
        let end = min(bytes.count, index + length)
        frames.append(Array(bytes[index..<end]))
        index = end
    }
    return frames
}

private func file(_ bytes: [UInt8], named name: String) -> URL {
    let url = scratch.appendingPathComponent(name)
    try? Data(bytes).write(to: url)
    return url
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    switch target {
    case "envelope":
        let parts = frames(bytes)
        _ = try? Envelope(frames: parts)
        _ = try? RoutedEnvelope(routerFrames: parts)
        _ = try? PublishedMessage(frames: parts)
        if parts.count >= 3 {
            _ = try? Event(producer: "p", sequenceFrame: parts[0], typeFrame: parts[1], body: parts[2])
        }
    case "json":
        if let value = try? JSONParser.parse(bytes), let written = try? JSONEncoder().encode(value) {
            // What parses, written back (by Foundation), parses to the same value.
            guard (try? JSONParser.parse([UInt8](written))) == value else { fatalError("JSON round trip differs") }
        }
        _ = try? JSONParser.parse(bytes, skippingMembers: ["criteria", "summary"])
    case "submission":
        if let registry {
            _ = SubmissionValidator(registry: registry, currentYear: 2025).validate(bytes)
        }
        if let json = try? JSONParser.parse(bytes) {
            _ = try? SubmissionFacts(json: json)
            _ = try? Receipt(json: json)
        }
    case "evaluation":
        _ = try? Evaluation(body: bytes)
        _ = try? EvaluationOutline(body: bytes)
        _ = try? LeaseContext(json: bytes)
    case "requests":
        _ = try? JSONCoding.decode(ReplayRequest.self, from: bytes)
        _ = try? JSONCoding.decode(ReplayBatchHeader.self, from: bytes)
        _ = try? JSONCoding.decode(ProducerAnnouncement.self, from: bytes)
        _ = try? JSONCoding.decode(ProducerDescription.self, from: bytes)
        _ = try? JSONCoding.decode(WorkerReady.self, from: bytes)
        _ = try? JSONCoding.decode(StatusRequest.self, from: bytes)
        _ = try? JSONCoding.decode(ReviewRequest.self, from: bytes)
        _ = try? JSONCoding.decode(ReportRequest.self, from: bytes)
        _ = try? JSONCoding.decode(ReevaluationRequest.self, from: bytes)
        _ = try? JSONCoding.decode(DeliveriesRequest.self, from: bytes)
    case "registry":
        _ = try? UnitRegistry.load(from: file(bytes, named: "units.json"))
    case "criteria":
        let directory = scratch.appendingPathComponent("criteria")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? Data(bytes).write(to: directory.appendingPathComponent("set.json"))
        _ = try? CriteriaCatalog.load(directory: directory)
    case "calendar":
        _ = try? ObligationCalendar.load(from: file(bytes, named: "calendar.json"))
    case "allowlist":
        _ = try? Allowlist.load(path: file(bytes, named: "allowlist.json").path, registry: registry)
    default:
        fatalError(
            "set ANTQ_FUZZ_TARGET to envelope, json, submission, evaluation, requests, registry, criteria, calendar or allowlist"
        )
    }
    return 0
}
