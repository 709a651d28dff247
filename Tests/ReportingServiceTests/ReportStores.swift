import Foundation
import Logging
import SQLStore
import StoreEngines

@testable import ReportingService

/// A new, migrated reporting store on `engine`, for one test.
func reportStore(_ engine: StoreEngine) throws -> any SQLStore {
    switch engine {
    case .sqlite:
        return try SQLiteStore(
            path: NSTemporaryDirectory() + "report-\(UUID().uuidString).sqlite", durability: .normal,
            migrator: ReportStore.migrator)
    case .postgres:
        let store = try PostgresStore(url: try StoreEngine.freshDatabase(), readers: 1, logger: Logger(label: "test"))
        try store.migrate(ReportStore.postgresMigrations)
        return store
    }
}
