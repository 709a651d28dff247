import EventLog
import Logging
import Models
import ServiceKit
import ZeroMQ

/// Builds the notification service: a subscriber that writes result notices and answers `inbox`.
public enum NotificationService {
    /// The service to run under a `ServiceGroup`: follows the sources and answers `inbox` until SIGTERM.
    public static func make(configuration: SubscriberConfiguration, context: Context, logger: Logger) -> LoopService {
        SubscriberService.make(
            name: "notification", configuration: configuration, context: context, logger: logger,
            migrator: { InboxStore.migrator }, applier: InboxStore(registry: configuration.registry)
        ) { database in
            { request, _ in
                guard request.type == .inbox else {
                    throw WireError(.unknownType, "the notification endpoint answers inbox, not \(request.type)")
                }
                let query = try JSONCoding.decode(InboxRequest.self, from: request.body)
                let inbox = try database.read { try InboxStore.inbox(unit: query.unit, $0) }
                return Envelope(type: .inboxReply, correlation: request.correlation, body: JSONCoding.encode(inbox))
            }
        }
    }
}
