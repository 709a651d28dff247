import Foundation

/// A directory under the system's temporary directory for one test, removed when the test is done.
///
/// Its path is unique and does not exist until something creates it, so a test can check that the
/// code under test creates missing directories.
struct TemporaryDirectory {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("StoreTests-\(UUID().uuidString)", isDirectory: true)
    }

    /// The path of `components` inside the directory.
    func path(_ components: String...) -> String {
        components.reduce(url) { $0.appendingPathComponent($1) }.path
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Runs `body` with a fresh ``TemporaryDirectory`` (not yet created), then removes it.
func withTemporaryDirectory<Result>(_ body: (TemporaryDirectory) throws -> Result) rethrows -> Result {
    let directory = TemporaryDirectory()
    defer { directory.remove() }
    return try body(directory)
}
