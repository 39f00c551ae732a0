import Foundation
import Logging
import Synchronization
import VolltextIndex

/// The index the server answers from, reopened when its file is replaced.
///
/// A deploy that builds the index elsewhere and renames it over the served
/// path leaves the open connections on the old file (the old inode lives on
/// while they read it). Each request asks for ``current()``, which looks at
/// the path's device and inode and, when they changed, opens the new file on
/// the side while requests go on answering from the old one, then switches.
/// A file that does not open yet (half-copied) keeps the old index serving
/// and is tried again a second later.
final class ServedIndex: Sendable {
    private struct State {
        var index: SearchIndex
        var fileID: FileID?
        var reopening = false
        var nextTry = ContinuousClock.now
    }

    private struct FileID: Equatable {
        var device: UInt64
        var inode: UInt64
    }

    private let state: Mutex<State>
    private let reopen: @Sendable (String) throws -> SearchIndex
    private let logger: Logger

    init(_ index: SearchIndex, logger: Logger, reopen: @escaping @Sendable (String) throws -> SearchIndex) {
        state = Mutex(State(index: index, fileID: Self.fileID(of: index.path)))
        self.reopen = reopen
        self.logger = logger
    }

    /// The index to answer this request from.
    func current() -> SearchIndex {
        let (index, needsReopen) = state.withLock { state -> (SearchIndex, Bool) in
            guard !state.reopening, ContinuousClock.now >= state.nextTry,
                  let id = Self.fileID(of: state.index.path), id != state.fileID else { return (state.index, false) }
            state.reopening = true
            return (state.index, true)
        }
        guard needsReopen else { return index }
        let newID = Self.fileID(of: index.path)
        do {
            let fresh = try reopen(index.path)
            try fresh.prepareForSearch()
            state.withLock { state in
                state.index = fresh
                state.fileID = newID
                state.reopening = false
            }
            logger.info("index file replaced: switched to the new one")
            return fresh
        } catch {
            state.withLock { state in
                state.reopening = false
                state.nextTry = .now + .seconds(1)
            }
            logger.warning("index file replaced, but the new one does not open yet",
                           metadata: ["volltext.error": "\(logText(error))"])
            return index
        }
    }

    private static func fileID(of path: String) -> FileID? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return FileID(device: UInt64(info.st_dev), inode: UInt64(info.st_ino))
    }
}
