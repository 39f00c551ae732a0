import Foundation

/// Locates `../shared` (real posts and the Snowball vocabulary), which a user's
/// fresh clone may lack. Tests that need it are enabled by `SharedData.isUsable`:
/// they skip with a message where it is absent, but CI sets
/// `VOLLTEXT_REQUIRE_SHARED=1`, which makes them run and fail instead.
public enum SharedData {
    /// `$VOLLTEXT_SHARED`, or `shared/` beside the repository.
    public static let directory: URL = {
        if let path = ProcessInfo.processInfo.environment["VOLLTEXT_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()  // VolltextTestSupport
            .deletingLastPathComponent()  // Tests
            .deletingLastPathComponent()  // repository
            .deletingLastPathComponent()
            .appendingPathComponent("shared", isDirectory: true)
    }()

    public static var isPresent: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("corpus").path)
    }

    public static var isRequired: Bool {
        ProcessInfo.processInfo.environment["VOLLTEXT_REQUIRE_SHARED"] == "1"
    }

    /// Whether tests needing `../shared` should run: it is there, or CI requires it.
    public static var isUsable: Bool { isPresent || isRequired }

    public static let skipMessage = "needs ../shared (real posts, Snowball data); set VOLLTEXT_SHARED to its path"

    /// A file under `shared/`; throws a clear error when it is missing.
    public static func url(_ relativePath: String) throws -> URL {
        let url = directory.appendingPathComponent(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingSharedData(path: url.path)
        }
        return url
    }

    public struct MissingSharedData: Error, CustomStringConvertible {
        public let path: String
        public var description: String { "missing \(path) (\(SharedData.skipMessage))" }
    }
}
