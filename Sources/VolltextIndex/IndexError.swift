import Foundation
import GRDB

/// Why the index could not be opened or written: typed, with no wording, since
/// what to tell a person differs between the CLI (which flag to use) and the
/// server (never a file path in a response).
public enum IndexError: Error, Equatable, Sendable {
    /// No index file yet at the path (read-only commands).
    case noIndex(path: String)
    /// The file is an SQLite database, but not one Volltext made.
    case notAnIndex(path: String)
    /// The file is damaged or not a database at all.
    case corrupt(path: String)
    /// The index was made by a newer Volltext.
    case newerFormat(path: String)
    /// The index was made by an older Volltext and `volltext index` must update it.
    case olderFormat(path: String)
    /// The file or its folder is read-only.
    case readOnly(path: String)
    /// The disk is full.
    case diskFull(path: String)
    /// Another process kept the index locked for longer than the busy timeout.
    case busy(path: String)
    /// Any other SQLite failure, with SQLite's short reason.
    case database(path: String, reason: String)

    /// The file the error is about.
    public var path: String {
        switch self {
        case let .noIndex(path), let .notAnIndex(path), let .corrupt(path), let .newerFormat(path), let .olderFormat(path),
             let .readOnly(path), let .diskFull(path), let .busy(path), let .database(path, _):
            path
        }
    }

    /// Maps a GRDB error to what a user can act on.
    static func from(_ error: any Error, path: String) -> IndexError {
        if let error = error as? IndexError { return error }
        if error is PostTable.DamagedIndex || error is RowDecodingError { return .corrupt(path: path) }
        guard let error = error as? DatabaseError else {
            return .database(path: path, reason: error.localizedDescription)
        }
        switch error.resultCode {
        case .SQLITE_NOTADB: return .corrupt(path: path)
        case .SQLITE_CORRUPT: return .corrupt(path: path)
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN: return .readOnly(path: path)
        case .SQLITE_FULL: return .diskFull(path: path)
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .busy(path: path)
        default: return .database(path: path, reason: error.message ?? "SQLite error \(error.resultCode.rawValue)")
        }
    }
}
