import Foundation
import Models
import Store

/// `reevaluate`: queue stored submissions to be judged again under a named criteria set version.
extension IntakeNode {
    func reevaluate(_ request: Envelope) throws -> Envelope {
        let query = try JSONCoding.decode(ReevaluationRequest.self, from: request.body)
        try query.validate()
        let jobs = try store.database.write { db in
            try store.queueReevaluation(query, at: StoreDatabase.timestamp(), db)
        }
        dispatcher.enqueue(jobs)
        logger.info(
            "re-evaluation queued", metadata: ["criteria_set": "\(query.criteriaSet)", "submissions": "\(jobs.count)"])
        try dispatch()
        return Envelope(
            type: .reevaluateReply, correlation: request.correlation,
            body: JSONCoding.encode(ReevaluationReceipt(criteriaSet: query.criteriaSet, queued: jobs.count)))
    }
}
