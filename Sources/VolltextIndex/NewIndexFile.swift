import Foundation
import VolltextSite
#if canImport(Glibc)
import Glibc
#endif

extension SearchIndex {
    /// Opens the index at `path`, creating it if need be, and brings it up to
    /// date with `site`: what `volltext index` and `volltext serve --site` do.
    ///
    /// Where no file is at `path` yet, nobody can be reading the index, so it is
    /// built in a file of its own beside `path` (``Storage/privateBuild``) and
    /// linked into place once complete. Where another run put an index there
    /// meanwhile, or that build fails, the run updates the file at `path` as
    /// any other run does, with the same errors.
    public static func updating(
        path: String, from site: SiteReader, rebuild: Bool = false, tokenizer: Tokenizer = .german,
        cachesResults: Bool = false, busyTimeout: TimeInterval = SearchIndex.defaultBusyTimeout,
        searchTimeLimit: Duration = SearchIndex.defaultSearchTimeLimit, progress: ((Int, Int) -> Void)? = nil
    ) throws -> (index: SearchIndex, report: IndexReport) {
        NewIndexFile.removeAbandoned(beside: path)
        let built = NewIndexFile(for: path)?.build(from: site, tokenizer: tokenizer, progress: progress)
        let index = try SearchIndex(path: path, create: true, tokenizer: tokenizer, cachesResults: cachesResults,
                                    busyTimeout: busyTimeout, searchTimeLimit: searchTimeLimit)
        if let built { return (index, built) }
        return (index, try index.update(from: site, rebuild: rebuild, progress: progress))
    }
}

/// A new index built under a name of its own in the folder of the index it
/// becomes (`.NAME.building-PID-RANDOM`), so that the finished file is linked
/// into place on the same file system, and a run killed half-way leaves no
/// half-built index at the path, only a file the next run removes.
struct NewIndexFile {
    let path: String
    let building: String

    /// Nil where the private build does not apply: a file is at `path` already,
    /// or a WAL file is, which SQLite would read as part of any new file there.
    init?(for path: String) {
        let files = FileManager.default
        guard !files.fileExists(atPath: path), !files.fileExists(atPath: path + "-wal") else { return nil }
        self.path = path
        let (folder, prefix) = Self.folderAndPrefix(of: path)
        building = folder + "/" + prefix + "\(getpid())-\(UInt32.random(in: 0 ... .max))"
    }

    /// Where the builds of `path` are made, and how their names start.
    private static func folderAndPrefix(of path: String) -> (folder: String, prefix: String) {
        let url = URL(fileURLWithPath: path)
        return (url.deletingLastPathComponent().path, "." + url.lastPathComponent + ".building-")
    }

    /// The new index's report, once it is at `path`; nil if it is not.
    func build(from site: SiteReader, tokenizer: SearchIndex.Tokenizer, progress: ((Int, Int) -> Void)?) -> IndexReport? {
        defer { Self.remove(building) }
        do {
            let index = try SearchIndex(path: building, create: true, tokenizer: tokenizer, storage: .privateBuild)
            let report = try index.update(from: site, progress: progress)
            // Readers open it in WAL mode, like any index; switching now writes the header once.
            try index.database.writeWithoutTransaction { try $0.execute(sql: "PRAGMA journal_mode = WAL") }
            try index.database.close()
            return moveIntoPlace() ? report : nil
        } catch {
            return nil
        }
    }

    /// Links the finished file to `path`, unless a file got there first: that
    /// index is kept, and this run updates it instead.
    func moveIntoPlace() -> Bool {
        if link(building, path) != 0 {
            // A file system without hard links renames; only a race with another first build could clobber, and both are whole.
            guard errno != EEXIST, !FileManager.default.fileExists(atPath: path), rename(building, path) == 0 else { return false }
        }
        // The new name is on disk too, not only the file's pages.
        let folder = open(Self.folderAndPrefix(of: path).folder, O_RDONLY)
        if folder >= 0 {
            fsync(folder)
            close(folder)
        }
        return true
    }

    /// Removes the files of builds of `path` whose process is gone (killed half-way).
    static func removeAbandoned(beside path: String) {
        let (folder, prefix) = folderAndPrefix(of: path)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
        for name in names where name.hasPrefix(prefix) {
            let pid = name.dropFirst(prefix.count).prefix { $0.isNumber }
            guard let pid = pid_t(pid), kill(pid, 0) != 0, errno == ESRCH else { continue }
            unlink(folder + "/" + name)
        }
    }

    /// The file and SQLite's journal files beside it.
    private static func remove(_ file: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(file + suffix) }
    }
}
