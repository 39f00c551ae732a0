import Foundation
import GRDB
import VolltextAnalysis
import VolltextSite

/// What one index run did.
public struct IndexReport: Sendable, Codable, Equatable {
    /// A post that could not be read; its previously indexed version, if any, stays.
    public struct Rejection: Sendable, Codable, Equatable {
        public var path: String
        public var line: Int?
        public var reason: String
    }

    public var added = 0
    public var updated = 0
    public var removed = 0
    public var unchanged = 0
    public var rejected: [Rejection] = []
    public var seconds = 0.0
    /// Posts left out as Jekyll would: unpublished, drafts, dated in the future.
    public var excluded = 0

    public init() {}
}

extension SearchIndex {
    /// Brings the index up to date with the site, in one transaction: a
    /// reader sees the old index or the new one, never a mix, and a run that
    /// dies half-way leaves the old index as it was.
    ///
    /// Posts whose bytes (and the site's permalink settings) did not change
    /// cost a hash and no analysis. Changed posts are re-analysed; posts
    /// deleted, unpublished, or no longer eligible are removed. A post that
    /// cannot be read is reported and its old version kept.
    ///
    /// - Parameter rebuild: drop everything and index every post anew.
    /// - Parameter progress: called after each post with (done, total).
    public func update(
        from site: SiteReader,
        rebuild: Bool = false,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> IndexReport {
        try update(from: site, rebuild: rebuild, analysisWhileReading: .whenTheWriterLags, progress: progress)
    }

    /// Where posts are analysed: on the writer's thread (by the FTS5 tokenizer),
    /// or already on the reading threads (see ``AnalyzedColumn``).
    enum AnalysisWhileReading {
        /// While the writer is the slower side: half the pipeline's window read ahead of it.
        case whenTheWriterLags
        case always, never
    }

    func update(
        from site: SiteReader,
        rebuild: Bool = false,
        analysisWhileReading: AnalysisWhileReading,
        progress: ((Int, Int) -> Void)? = nil
    ) throws -> IndexReport {
        let start = Date()
        let files = try site.postFiles()
        let settings = site.settingsFingerprint + "|analyzer \(GermanAnalyzer.version)"
        var report = IndexReport()
        do {
            try database.write { db in
                let storedSettings = try String.fetchOne(db, sql: "SELECT value FROM index_info WHERE key = 'settings'")
                if rebuild || (storedSettings != nil && storedSettings != settings) {
                    // Settings or analyzer changed: every stored token or URL may be stale.
                    try Self.deleteAll(db)
                }
                let startsEmpty = try Int.fetchOne(db, sql: "SELECT count(*) FROM post") == 0
                try Self.configureFTS5(db, buildingFromScratch: startsEmpty)
                var writer = try PostWriter(db: db)
                var known = try Self.knownPosts(db)
                let now = site.options.now.timeIntervalSince1970

                // Read and parse on other cores while this thread writes; the
                // writer takes the posts in file order, so ids are as before.
                let hashes = known.mapValues(\.hash)
                // While the writer is the slower side, the reading threads analyse the posts too.
                let window = 256
                let preAnalysis = analyzesGerman && analysisWhileReading != .never ? PreAnalysis() : nil
                let pipeline = OrderedPipeline(count: files.count, workers: Self.readerThreads, window: window) { index, ahead in
                    ReadPost(files[index], site: site, settings: settings, knownHash: hashes[files[index].path],
                             preAnalysis: analysisWhileReading == .always || ahead >= window / 2 ? preAnalysis : nil)
                }
                defer { pipeline.stop() }
                var done = 0
                while let read = pipeline.next() {
                    done += 1
                    defer { progress?(done, files.count) }
                    let existing = known.removeValue(forKey: read.path)
                    switch read.outcome {
                    case let .unreadable(rejection):
                        report.rejected.append(rejection)
                    case .unchanged:
                        guard let existing else { continue }
                        // Unchanged bytes: only time can change whether it shows (a date still
                        // in the future, an expiry date now past).
                        if (!site.options.future && existing.timestamp > now)
                            || (!site.options.expired && existing.expires.map { $0 <= now } == true) {
                            try writer.delete(id: existing.id)
                            report.removed += 1
                        } else {
                            report.unchanged += 1
                        }
                    case let .rejected(rejection, mayBeRetracted):
                        report.rejected.append(rejection)
                        // An edit that breaks a post keeps its last version, but not if the
                        // edit may have unpublished it: privacy wins over completeness.
                        if let existing, mayBeRetracted {
                            try writer.delete(id: existing.id)
                            report.removed += 1
                        }
                    case .excluded:
                        report.excluded += 1
                        if let existing {
                            try writer.delete(id: existing.id)
                            report.removed += 1
                        }
                    case let .post(post, hash, timestamp, expires, analyzed):
                        defer { if let analyzed { preAnalysis?.written(analyzed) } }
                        if let existing {
                            try writer.delete(id: existing.id)
                            try writer.insert(post, id: existing.id, hash: hash, timestamp: timestamp, expires: expires, analyzed: analyzed)
                            report.updated += 1
                        } else {
                            try writer.insert(post, id: nil, hash: hash, timestamp: timestamp, expires: expires, analyzed: analyzed)
                            report.added += 1
                        }
                    }
                }
                // Posts whose files are gone (or drafts, without --drafts).
                for (_, gone) in known {
                    try writer.delete(id: gone.id)
                    report.removed += 1
                }
                try db.execute(sql: "DELETE FROM tag WHERE id NOT IN (SELECT tag_id FROM post_tag)")
                // FTS5 writes each transaction as a new segment and merges them only now and
                // then; a search looks every word up in every segment. After a large change,
                // merge them all into one: at 50k posts, searches get about 20% faster, for
                // a few percent of the build's time. Small runs leave it to FTS5's automerge.
                let changed = report.added + report.updated + report.removed
                if changed > 0 && changed * 10 >= report.added + report.updated + report.unchanged {
                    try db.execute(sql: "INSERT INTO post_text(post_text) VALUES('optimize')")
                }
                if startsEmpty { try Self.configureFTS5(db, buildingFromScratch: false) }
                // `generation` changes with every run, even within a second: cached results key on it.
                try db.execute(sql: """
                    INSERT OR REPLACE INTO index_info(key, value)
                    VALUES ('settings', ?), ('last_indexed', ?), ('site', ?), ('generation', ?)
                    """, arguments: [settings, ISO8601DateFormatter().string(from: Date()), site.root.path, UUID().uuidString])
            }
        } catch {
            throw IndexError.from(error, path: path)
        }
        report.seconds = Date().timeIntervalSince(start)
        return report
    }

    /// Threads that read and parse posts while the writer inserts: the other cores.
    static let readerThreads = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)

    /// FTS5 keeps new tokens in an in-memory hash and writes it out as a new
    /// segment when it outgrows `hashsize` (1 MB by default), merging segments
    /// as they pile up (`automerge`, and `crisismerge` once 16 wait on one
    /// level), so a large run rewrites its index several times over.
    ///
    /// - A build from an empty index ends with 'optimize', which merges every
    ///   segment at once; so on the way it merges nothing (no automerge, and no
    ///   crisis merge below 200 segments), and keeps the hash at 4 MB, small
    ///   enough to stay in the processor's cache: each token's look-up in a
    ///   larger hash was a cache miss. At 20,000 posts this takes 6% off the
    ///   build, and 36 MB off its peak memory, against a 32 MB hash.
    /// - Other runs merge as they go, and a 32 MB hash writes far fewer segments.
    private static func configureFTS5(_ db: Database, buildingFromScratch: Bool) throws {
        try db.execute(sql: """
            INSERT INTO post_text(post_text, rank) VALUES ('hashsize', ?);
            INSERT INTO post_text(post_text, rank) VALUES ('automerge', ?);
            INSERT INTO post_text(post_text, rank) VALUES ('crisismerge', ?);
            """, arguments: buildingFromScratch ? [4 << 20, 0, 200] : [32 << 20, 4, 16])
    }

    /// What an index run needs to know of each indexed post. A row a damaged
    /// file cannot decode fails the run with an error; it never traps.
    private struct KnownPost: Decodable, FetchableRecord {
        var id: Int64
        var path: String
        var hash: String
        var timestamp: Double
        var expires: Double?

        enum CodingKeys: String, CodingKey {
            case id, path, timestamp, expires
            case hash = "content_hash"
        }
    }

    private static func knownPosts(_ db: Database) throws -> [String: KnownPost] {
        var known: [String: KnownPost] = [:]
        let posts = try KnownPost.fetchCursor(db, sql: "SELECT id, path, content_hash, timestamp, expires FROM post")
        while let post = try posts.next() { known[post.path] = post }
        return known
    }

    private static func deleteAll(_ db: Database) throws {
        try db.execute(sql: """
            DELETE FROM post_tag; DELETE FROM post_author; DELETE FROM tag; DELETE FROM post;
            DELETE FROM post_text;
            """)
    }

    /// FNV-1a over the file and the settings that shape its row: enough to
    /// tell a changed file, and fast enough to run on every post every time.
    static func contentHash(of contents: Data, settings: String) -> String {
        var hash = FNV1a()
        contents.withUnsafeBytes { hash.combine(bytes: $0) }
        hash.combine(0)
        var settings = settings
        settings.withUTF8 { hash.combine(bytes: UnsafeRawBufferPointer($0)) }
        return String(hash.value, radix: 16)
    }
}

/// One post file as read and parsed off the writer's thread: everything an
/// index run needs to decide about it, except what the index holds.
private struct ReadPost: Sendable {
    enum Outcome: Sendable {
        /// The file could not be read.
        case unreadable(IndexReport.Rejection)
        /// Its bytes (and the settings) hash as the indexed version's.
        case unchanged
        /// It does not parse; `mayBeRetracted`: its raw lines may unpublish it.
        case rejected(IndexReport.Rejection, mayBeRetracted: Bool)
        /// The site would not publish it.
        case excluded
        /// `analyzed`: its full-text columns' tokens, if a reading thread analysed them.
        case post(Post, hash: String, timestamp: Double, expires: Double?, analyzed: [AnalyzedColumn]?)
    }

    let path: String
    let outcome: Outcome

    init(_ file: SiteReader.PostFile, site: SiteReader, settings: String, knownHash: String?, preAnalysis: PreAnalysis?) {
        path = file.path
        let contents: Data
        do {
            contents = try site.contents(of: file)
        } catch {
            outcome = .unreadable(.init(error))
            return
        }
        let hash = SearchIndex.contentHash(of: contents, settings: settings)
        if hash == knownHash {
            outcome = .unchanged
            return
        }
        let post: Post
        do {
            post = try site.post(from: file, contents: contents)
        } catch {
            outcome = .rejected(.init(error), mayBeRetracted: SiteReader.mayBeRetracted(contents))
            return
        }
        if site.exclusionReason(for: post) != nil {
            outcome = .excluded
            return
        }
        outcome = .post(post, hash: hash, timestamp: site.visibleFrom(post).timeIntervalSince1970,
                        expires: post.expiryDate.map { $0.instant(in: site.timeZone).timeIntervalSince1970 },
                        analyzed: preAnalysis?.analyze(PostWriter.fullTextColumns(of: post)))
    }
}

extension IndexReport.Rejection {
    init(_ error: any Error) {
        if let error = error as? SiteError {
            self.init(path: error.path, line: error.line, reason: error.reason)
        } else {
            self.init(path: "?", line: nil, reason: error.localizedDescription)
        }
    }
}

/// Writes post rows with cached statements; one per index run.
private struct PostWriter {
    let db: Database
    private var tagIDs: [String: Int64] = [:]
    private var keys: [String: String] = [:]
    private let analyzer = GermanAnalyzer()

    init(db: Database) throws {
        self.db = db
        for row in try Row.fetchAll(db, sql: "SELECT id, key FROM tag") { tagIDs[row["key"]] = row["id"] }
    }

    func delete(id: Int64) throws {
        try db.cachedStatement(sql: "DELETE FROM post_text WHERE rowid = ?").execute(arguments: [id])
        try db.cachedStatement(sql: "DELETE FROM post WHERE id = ?").execute(arguments: [id])
    }

    /// The post's texts in the FTS5 table's column order (title, tags, description, body, code).
    static func fullTextColumns(of post: Post) -> [String] {
        [post.title, post.tags.joined(separator: "\n"), post.description ?? "", post.body, post.code]
    }

    /// `analyzed`: the full-text columns' tokens, made on a reading thread, which
    /// the tokenizer takes instead of analysing the texts again.
    mutating func insert(_ post: Post, id: Int64?, hash: String, timestamp: Double, expires: Double?,
                         analyzed: [AnalyzedColumn]? = nil) throws {
        try db.cachedStatement(sql: """
            INSERT INTO post (id, path, url, title, date, sort_date, timestamp, lang, content_hash, indexed_at, expires)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, datetime('now'), ?)
            """).execute(arguments: [
                id, post.path, post.url, post.title, post.date.day10, post.date.sortKey, timestamp, post.lang, hash, expires,
            ])
        let rowID = db.lastInsertedRowID
        let insertText = try db.cachedStatement(sql: "INSERT INTO post_text (rowid, title, tags, description, body, code) VALUES (?, ?, ?, ?, ?, ?)")
        // The very texts analysed, if they were: the tokenizer recognises them byte for byte.
        let arguments = StatementArguments([rowID] + (analyzed?.map(\.text) ?? Self.fullTextColumns(of: post)))
        if let analyzed {
            try TokenReplay.offering(analyzed) { try insertText.execute(arguments: arguments) }
        } else {
            try insertText.execute(arguments: arguments)
        }
        // In the post's order; a second spelling of the same tag (or the same author twice) is one.
        for (position, tag) in post.tags.enumerated() {
            let tagID = try self.tagID(for: tag)
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO post_tag (post_id, tag_id, position, name) VALUES (?, ?, ?, ?)")
                .execute(arguments: [rowID, tagID, position, tag])
        }
        for (position, author) in post.authors.enumerated() {
            try db.cachedStatement(sql: "INSERT OR IGNORE INTO post_author (post_id, name, key, position) VALUES (?, ?, ?, ?)")
                .execute(arguments: [rowID, author, key(author), position])
        }
    }

    private mutating func tagID(for tag: String) throws -> Int64 {
        let key = key(tag)
        if let id = tagIDs[key] { return id }
        try db.cachedStatement(sql: "INSERT INTO tag (name, key) VALUES (?, ?)").execute(arguments: [tag, key])
        tagIDs[key] = db.lastInsertedRowID
        return db.lastInsertedRowID
    }

    /// Folded words, so that spellings differing in case or umlaut notation meet.
    /// Kept per spelling: a site repeats its few tags and authors in post after post.
    private mutating func key(_ name: String) -> String {
        if let key = keys[name] { return key }
        let key = SearchIndex.foldedKey(name, analyzer: analyzer)
        keys[name] = key
        return key
    }
}

extension SearchIndex {
    /// The matching key of a tag or author name: its words lower-cased and
    /// umlaut-folded, unstemmed (`Behörden`, `behoerden` → `behorden`).
    static func foldedKey(_ name: String, analyzer: GermanAnalyzer) -> String {
        analyzer.tokens(in: name, form: .folded).filter { $0.kind != .compound }.map(\.term).joined(separator: " ")
    }
}
