import Foundation
import GRDB
import VolltextAnalysis

/// A blog's search index: one SQLite file in WAL mode, read through a
/// `DatabasePool` so that searches never block on a reindex and always see
/// either the old index or the new one.
///
/// ```sql
/// -- One row per indexed (published) post.
/// CREATE TABLE post (
///   id INTEGER PRIMARY KEY,
///   path TEXT NOT NULL UNIQUE,      -- relative to the site root
///   url TEXT NOT NULL,
///   title TEXT NOT NULL,
///   date TEXT NOT NULL,             -- YYYY-MM-DD as written
///   sort_date TEXT NOT NULL,        -- YYYY-MM-DDTHH:MM:SS, for ordering
///   timestamp REAL NOT NULL,        -- Unix time from which the post shows (date or publishDate)
///   lang TEXT,                      -- for `lang=`: Hugo's .de.md, front matter `lang`
///   content_hash TEXT NOT NULL,     -- of the file's bytes and the site settings
///   indexed_at TEXT NOT NULL,
///   expires REAL);                  -- Unix time of Hugo's expiryDate
/// -- Tags for filters and counts; `key` is the folded spelling, so that
/// -- "offene daten" and "Behoerden" find "Offene Daten" and "Behörden".
/// CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL UNIQUE);
/// -- A post's tags and authors, in the order and spelling the post gives them.
/// CREATE TABLE post_tag (post_id REFERENCES post ON DELETE CASCADE, tag_id REFERENCES tag,
///                        position INTEGER, name TEXT, PRIMARY KEY (post_id, tag_id)) WITHOUT ROWID;
/// CREATE TABLE post_author (post_id REFERENCES post ON DELETE CASCADE, name TEXT, key TEXT,
///                           position INTEGER, PRIMARY KEY (post_id, name)) WITHOUT ROWID;
/// -- The text, tokenized by Volltext's German analyzer; rowid = post.id.
/// CREATE VIRTUAL TABLE post_text USING fts5(title, tags, description, body, code,
///                                           tokenize='volltext_german');
/// CREATE TABLE index_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
/// -- Terms and their document counts, for "did you mean".
/// CREATE VIRTUAL TABLE post_vocab USING fts5vocab(post_text, 'row');
/// ```
///
/// See <https://www.sqlite.org/fts5.html>.
///
/// ## Topics
///
/// ### Building the index
/// - ``updating(path:from:rebuild:tokenizer:cachesResults:busyTimeout:searchTimeLimit:progress:)``
/// - ``update(from:rebuild:progress:)``
///
/// ### Reading
/// - ``statistics()``
public final class SearchIndex: Sendable {
    /// Marks the file as Volltext's (`PRAGMA application_id`): "Vltx".
    static let applicationID: Int32 = 0x566C_7478


    public let path: String
    /// A `DatabasePool` (WAL: searches never wait for a writer), or a single
    /// connection while a new index is built in a file of its own (see ``Storage``).
    let database: any DatabaseWriter
    /// Nil when results are not cached (`volltext serve --no-result-cache`).
    let resultCache: ResultCache?
    /// Whether the index uses Volltext's German analyzer, for which the word
    /// variants and typo corrections are made (not the unicode61 reference).
    let analyzesGerman: Bool
    /// How long one search may run (see `init`).
    public let searchTimeLimit: Duration
    /// For the CLI and library users, who wait for their own query; the server
    /// sets its own, shorter limit (`volltext serve --search-timeout`, 0.5 s).
    /// At 50,000 posts the slowest real queries take about 15 ms.
    public static let defaultSearchTimeLimit: Duration = .seconds(5)
    /// Whether recent results are kept (see `init`).
    public var cachesResults: Bool { resultCache != nil }
    let postTable = PostTable()
    /// Word ranges of bodies recently shown in snippets.
    let wordLayouts = WordLayoutCache()
    let vocabularyTable = Vocabulary()

    /// Which FTS5 tokenizer a new index uses.
    public enum Tokenizer: String, Sendable {
        /// Volltext's German analyzer: the only one queries are built for.
        case german = "volltext_german"
        /// SQLite's built-in `unicode61 remove_diacritics 2`: the reference that
        /// benchmarks and relevance comparisons measure Volltext against.
        case unicode61 = "unicode61 remove_diacritics 2"
    }

    /// Connections that read at once: two per core for searches, and one more,
    /// so that a server's health check and tag list find one while searches run.
    public static let readerCount = max(5, ProcessInfo.processInfo.activeProcessorCount * 2 + 1)

    /// Opens (or, with `create`, creates) the index at `path`. `tokenizer`
    /// applies only when the index is created.
    ///
    /// Fails with a clear ``IndexError`` if the file is some other database,
    /// damaged, read-only or missing (without `create`).
    /// `cachesResults`: keep recent search results until the index changes;
    /// what a server wants, as popular queries repeat.
    /// `busyTimeout`: how long a writer waits for another writer (a second
    /// `volltext index` run) before giving up; readers never wait for writers.
    /// `searchTimeLimit`: how long one search may run before it is stopped.
    public convenience init(path: String, create: Bool = false, tokenizer: Tokenizer = .german,
                            cachesResults: Bool = false, busyTimeout: TimeInterval = SearchIndex.defaultBusyTimeout,
                            searchTimeLimit: Duration = SearchIndex.defaultSearchTimeLimit) throws(IndexError) {
        try self.init(path: path, create: create, tokenizer: tokenizer, cachesResults: cachesResults,
                      busyTimeout: busyTimeout, searchTimeLimit: searchTimeLimit, storage: .shared)
    }

    /// How the file is opened.
    enum Storage {
        /// In WAL mode through a pool: readers see the old index or the new one
        /// while a writer works, and never wait for it.
        case shared
        /// A new file nobody else opens until it is complete and moved into place
        /// (see ``updating(path:from:rebuild:tokenizer:cachesResults:busyTimeout:searchTimeLimit:progress:)``):
        /// one connection with a rollback journal, which writes each page once
        /// where WAL writes it to the log and then again to the file.
        case privateBuild
    }

    init(path: String, create: Bool, tokenizer: Tokenizer = .german, cachesResults: Bool = false,
         busyTimeout: TimeInterval = SearchIndex.defaultBusyTimeout,
         searchTimeLimit: Duration = SearchIndex.defaultSearchTimeLimit, storage: Storage) throws(IndexError) {
        self.path = path
        self.searchTimeLimit = searchTimeLimit
        resultCache = cachesResults ? ResultCache() : nil
        let exists = FileManager.default.fileExists(atPath: path)
        if !exists && !create { throw .noIndex(path: path) }
        if exists, let size = try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int, size > 0 {
            try Self.checkHeader(path: path)
        }
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            db.add(tokenizer: GermanFTS5Tokenizer.self)
            BM25Ranking.register(db)
            SnippetFunction.register(db)
            // Read pages through memory mapping rather than a read() per page, and
            // keep more of them: searches over large sites touch many doclist pages.
            // A private build maps nothing: the pages it writes and reads back
            // would stay mapped (121 MB at its peak against 80 MB, 20,000 posts).
            try db.execute(sql: "PRAGMA mmap_size = \(storage == .shared ? 1 << 30 : 0); PRAGMA cache_size = -16384")
        }
        configuration.readonly = !create
        configuration.maximumReaderCount = Self.readerCount
        configuration.busyMode = .timeout(busyTimeout)
        // An index shipped read-only (a deploy's file, a read-only folder) cannot get the
        // -wal and -shm files SQLite's WAL mode reads through; nobody writes it, so SQLite
        // may read it as an immutable file.
        let openPath = !create && Self.isReadOnly(path) ? Self.immutableURI(path) : path
        do {
            switch storage {
            case .shared: database = try DatabasePool(path: openPath, configuration: configuration)
            case .privateBuild: database = try DatabaseQueue(path: openPath, configuration: configuration)
            }
            let applicationID = try database.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0 }
            let hasTables = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0 } > 0
            if applicationID != Self.applicationID && (hasTables || !create) { throw IndexError.notAnIndex(path: path) }
            let migrator = Self.migrator(tokenizer: tokenizer)
            if create {
                if try database.read(migrator.hasBeenSuperseded) { throw IndexError.newerFormat(path: path) }
                try migrator.migrate(database)
            } else if try database.read(migrator.hasBeenSuperseded) {
                throw IndexError.newerFormat(path: path)
            } else if try database.read({ db in try !migrator.hasCompletedMigrations(db) }) {
                throw IndexError.olderFormat(path: path)
            }
            analyzesGerman = try database.read { db in
                try String.fetchOne(db, sql: "SELECT value FROM index_info WHERE key = 'tokenizer'")
            } != Tokenizer.unicode61.rawValue
        } catch {
            throw IndexError.from(error, path: path)
        }
    }

    /// How long a writer waits for another by default: long enough for a large site's build.
    public static let defaultBusyTimeout: TimeInterval = 30

    /// Whether this process cannot write the file or the folder its -wal and -shm files go in.
    static func isReadOnly(_ path: String) -> Bool {
        let folder = (path as NSString).deletingLastPathComponent
        return access(path, W_OK) != 0 || access(folder.isEmpty ? "." : folder, W_OK) != 0
    }

    /// `file:…?immutable=1`, which SQLite reads as a URI where it is built with
    /// SQLITE_USE_URI (as Debian's libsqlite3 is).
    static func immutableURI(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        let encoded = absolute.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["?", "#", "%"])) ?? absolute
        return "file:\(encoded)?immutable=1"
    }

    /// SQLite files start with "SQLite format 3\0"; anything else is not a database.
    private static func checkHeader(path: String) throws(IndexError) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .readOnly(path: path) }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        if header.count == 16 && header != Data("SQLite format 3\0".utf8) { throw .corrupt(path: path) }
    }

    static func migrator(tokenizer: Tokenizer) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: "PRAGMA application_id = \(applicationID)")
            try db.execute(sql: """
                CREATE TABLE post (
                  id INTEGER PRIMARY KEY,
                  path TEXT NOT NULL UNIQUE,
                  url TEXT NOT NULL,
                  title TEXT NOT NULL,
                  date TEXT NOT NULL,
                  sort_date TEXT NOT NULL,
                  timestamp REAL NOT NULL,
                  authors TEXT NOT NULL,
                  tags TEXT NOT NULL,
                  categories TEXT NOT NULL,
                  description TEXT,
                  lang TEXT,
                  is_draft INTEGER NOT NULL,
                  front_matter TEXT NOT NULL,
                  content_hash TEXT NOT NULL,
                  indexed_at TEXT NOT NULL);
                CREATE INDEX post_sort_date ON post(sort_date);
                CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT NOT NULL, key TEXT NOT NULL UNIQUE);
                CREATE TABLE post_tag (
                  post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
                  tag_id INTEGER NOT NULL REFERENCES tag(id),
                  PRIMARY KEY (post_id, tag_id)) WITHOUT ROWID;
                CREATE INDEX post_tag_by_tag ON post_tag(tag_id);
                CREATE TABLE post_author (
                  post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,
                  name TEXT NOT NULL,
                  key TEXT NOT NULL,
                  PRIMARY KEY (post_id, name)) WITHOUT ROWID;
                CREATE INDEX post_author_by_key ON post_author(key);
                CREATE VIRTUAL TABLE post_text USING fts5(
                  title, tags, description, body, code,
                  tokenize='\(tokenizer.rawValue)');
                CREATE TABLE index_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                """)
            try db.execute(sql: "INSERT INTO index_info(key, value) VALUES ('tokenizer', ?)", arguments: [tokenizer.rawValue])
        }
        migrator.registerMigration("v2 vocabulary") { db in
            // Every indexed term with its document count: "did you mean" looks here.
            try db.execute(sql: "CREATE VIRTUAL TABLE post_vocab USING fts5vocab(post_text, 'row')")
        }
        migrator.registerMigration("v3 expiry") { db in
            // Hugo's expiryDate as Unix time: an unchanged post leaves the index when it passes.
            try db.execute(sql: "ALTER TABLE post ADD COLUMN expires REAL")
        }
        migrator.registerMigration("v4 one place per fact") { db in
            try migrateTagsAndAuthorsOutOfJSON(db)
        }
        return migrator
    }
}

extension SearchIndex {
    /// Up to v3, a post's tags and authors were kept twice: as JSON arrays in
    /// `post` (for display) and in `post_tag`/`post_author` (for filters). Now
    /// the tables alone hold them, with their order and spelling; the JSON
    /// columns go, and so do `categories`, `description`, `is_draft` and
    /// `front_matter`, which were written and never read.
    fileprivate static func migrateTagsAndAuthorsOutOfJSON(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE post_tag ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
            ALTER TABLE post_tag ADD COLUMN name TEXT NOT NULL DEFAULT '';
            ALTER TABLE post_author ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
            """)
        let analyzer = GermanAnalyzer()
        let rows = try Row.fetchAll(db, sql: "SELECT id, tags, authors FROM post")
        for row in rows {
            let id: Int64 = row["id"]
            func strings(_ column: String) -> [String] {
                (String.fromDatabaseValue(row[column]).flatMap { try? JSONDecoder().decode([String].self, from: Data($0.utf8)) }) ?? []
            }
            for (position, tag) in strings("tags").enumerated() {
                try db.execute(sql: """
                    UPDATE post_tag SET position = ?, name = ?
                    WHERE post_id = ? AND name = '' AND tag_id = (SELECT id FROM tag WHERE key = ?)
                    """, arguments: [position, tag, id, foldedKey(tag, analyzer: analyzer)])
            }
            for (position, author) in strings("authors").enumerated() {
                try db.execute(sql: "UPDATE post_author SET position = ? WHERE post_id = ? AND name = ?",
                               arguments: [position, id, author])
            }
        }
        try db.execute(sql: "UPDATE post_tag SET name = (SELECT name FROM tag WHERE tag.id = tag_id) WHERE name = ''")
        for column in ["authors", "tags", "categories", "description", "is_draft", "front_matter"] {
            try db.execute(sql: "ALTER TABLE post DROP COLUMN \(column)")
        }
    }
}

/// What `GET /api/health` shows: how many posts, indexed when.
public struct IndexHealth: Sendable, Equatable {
    public var posts: Int
    /// ISO 8601 time of the last successful index run.
    public var lastIndexed: String?
}

/// What `volltext stats` shows.
public struct IndexStatistics: Sendable, Codable, Equatable {
    public var posts: Int
    public var tags: Int
    public var authors: Int
    /// `YYYY-MM-DD` of the oldest and newest post.
    public var firstDate: String?
    public var lastDate: String?
    /// Bytes of the database file and its WAL.
    public var databaseBytes: Int
    /// ISO 8601 time of the last successful index run.
    public var lastIndexed: String?
    public var site: String?

    enum CodingKeys: String, CodingKey {
        case posts, tags, authors, site
        case firstDate = "first_date", lastDate = "last_date"
        case databaseBytes = "database_bytes", lastIndexed = "last_indexed"
    }
}

extension SearchIndex {
    public func statistics() throws(IndexError) -> IndexStatistics {
        withFileSizes(try read(Self.statistics))
    }

    /// ``statistics()`` without holding a thread while it waits for a connection.
    public func statistics() async throws(IndexError) -> IndexStatistics {
        withFileSizes(try await read(Self.statistics))
    }

    /// What a health check needs, from what searches already hold in memory:
    /// two small reads, however large the site. (``statistics()`` scans
    /// tables: about 1 ms on okfn-de, the cost of a whole search.)
    public func health() async throws(IndexError) -> IndexHealth {
        let postTable = postTable
        return try await read { db in
            let posts = try postTable.snapshot(generation: Self.generation(db), db: db).postCount
            let lastIndexed = try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM index_info WHERE key = 'last_indexed'"))
            return IndexHealth(posts: posts, lastIndexed: lastIndexed)
        }
    }

    private static func statistics(_ db: Database) throws -> IndexStatistics {
        let info = try Dictionary(InfoRow.fetchAll(db, sql: "SELECT key, value FROM index_info").map { ($0.key, $0.value) },
                                  uniquingKeysWith: { first, _ in first })
        return IndexStatistics(
            posts: try Int.fetchOne(db, sql: "SELECT count(*) FROM post") ?? 0,
            tags: try Int.fetchOne(db, sql: "SELECT count(*) FROM tag") ?? 0,
            authors: try Int.fetchOne(db, sql: "SELECT count(DISTINCT key) FROM post_author") ?? 0,
            firstDate: try String.fetchOne(db, sql: "SELECT min(date) FROM post"),
            lastDate: try String.fetchOne(db, sql: "SELECT max(date) FROM post"),
            databaseBytes: 0,
            lastIndexed: info["last_indexed"], site: info["site"])
    }

    private struct InfoRow: Decodable, FetchableRecord {
        var key: String
        var value: String
    }

    /// Bytes of the database file and its WAL, which the database cannot tell.
    private func withFileSizes(_ statistics: IndexStatistics) -> IndexStatistics {
        var statistics = statistics
        statistics.databaseBytes = [path, path + "-wal"].compactMap {
            try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int
        }.reduce(0, +)
        return statistics
    }
}
