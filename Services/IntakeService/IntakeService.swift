import Logging
import ServiceKit
import ServiceLifecycle
import ZeroMQ

/// Builds the intake node's service: one socket thread running ``IntakeNode``.
public enum IntakeService {
    /// The service to run under a `ServiceGroup`: binds, serves until SIGTERM, then closes cleanly.
    public static func make(configuration: IntakeConfiguration, context: Context, logger: Logger) -> LoopService {
        LoopService(name: "intake") { stop in
            // The ZAP handler answers before the first protected socket binds, until the node is done.
            let handler = try configuration.security.startHandler(context: context)
            defer { handler?.stop() }
            let node = try IntakeNode(configuration: configuration, context: context, zap: handler, logger: logger)
            try node.run(until: stop)
        }
    }
}
