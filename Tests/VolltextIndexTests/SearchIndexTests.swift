import Foundation
import GRDB
import Testing
@testable import VolltextIndex
import VolltextSite
import VolltextTestSupport

/// Indexes `site` into its temporary index file.
@discardableResult
private func index(_ site: TemporarySite, options: SiteReader.Options = .init(), rebuild: Bool = false) throws -> IndexReport {
    try SearchIndex(path: site.indexPath, create: true).update(from: SiteReader(root: site.root, options: options), rebuild: rebuild)
}

/// `highlight()` of the body for an FTS5 MATCH, through the German tokenizer.
private func highlights(_ match: String, in index: SearchIndex) throws -> [String] {
    try index.database.read { db in
        try String.fetchAll(db, sql: "SELECT highlight(post_text, 3, '[', ']') FROM post_text WHERE post_text MATCH ?",
                            arguments: [match])
    }
}

private func paths(_ index: SearchIndex) throws -> [String] {
    try index.database.read { db in try String.fetchAll(db, sql: "SELECT path FROM post ORDER BY path") }
}

@Suite struct GermanTokenizerInFTS5 {
    @Test func matchesAnySpellingAndHighlightsTheOriginalWord() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-a.md", TemporarySite.post(
            body: "Die Bürger*innen fordern mehr Bürgerbeteiligung an der Straße. Ein Open-Data-Portal hilft."))
        try index(site)
        let searchIndex = try SearchIndex(path: site.indexPath)
        // FTS5's highlight() skips colocated tokens' ranges: a match on the compound as a whole
        // marks its first part, at the right offsets.
        let expected = "Die [Bürger*innen] fordern mehr [Bürgerbeteiligung] an der [Straße]. Ein [Open]-Data-Portal hilft."
        for query in ["buergerbeteiligung", "Burgerbeteiligung", "Bürgerbeteiligung"] {
            #expect(try highlights(query, in: searchIndex).first?.contains("[Bürgerbeteiligung]") == true, "\(query)")
        }
        #expect(try highlights("Strasse", in: searchIndex).first?.contains("[Straße]") == true)
        #expect(try highlights("BürgerInnen", in: searchIndex).first?.contains("[Bürger*innen]") == true)
        #expect(try highlights("opendataportal", in: searchIndex).first?.contains("Ein [Open]-Data-Portal") == true)
        #expect(try highlights("\"Data Portal\"", in: searchIndex).first?.contains("Open-[Data-Portal]") == true)
        #expect(try highlights("\"Open Data Portal\"", in: searchIndex).first?.contains("Ein [Open-Data-Portal] hilft") == true)
        let all = try highlights("bürgerinnen OR bürgerbeteiligung OR strasse OR opendataportal", in: searchIndex)
        #expect(all == [expected])
    }
}

@Suite struct PrefixQueriesInFTS5 {
    @Test func prefixesMatchTheStartOfWholeWordsInAnySpelling() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-a.md", TemporarySite.post(body: "Mehr Bürgerbeteiligung."))
        try site.write("_posts/2020-01-02-b.md", TemporarySite.post(body: "Die Bürgerinnen und die Häuser."))
        try site.write("_posts/2020-01-03-c.md", TemporarySite.post(body: "Ein Bürgertreff."))
        try index(site)
        let searchIndex = try SearchIndex(path: site.indexPath)
        func count(_ match: String) throws -> Int { try highlights(match, in: searchIndex).count }
        #expect(try count("Bürgerbeteil*") == 1)
        #expect(try count("Buergerbet*") == 1)
        #expect(try count("burgerbeteilig*") == 1)  // longer than the stem burgerbeteil
        #expect(try count("Bürgerinn*") == 1)       // the stem is only "burg"
        #expect(try count("Bürger*") == 3)
        #expect(try count("Häuse*") == 1)
        #expect(try count("Hauser*") == 1)
        #expect(try count("Burgerb*") == 1)         // not Bürgerinnen, though its stem is a prefix
        #expect(try count("\"Die Häus\"*") == 1)   // a phrase whose last word is a prefix
        #expect(try highlights("Bürgerbeteil*", in: searchIndex).first == "Mehr [Bürgerbeteiligung].")
    }

    /// Words one letter longer than their stem have no prefix form; the query
    /// searches such a prefix as a whole word too.
    @Test func aWholeWordTypedAsAPrefixFindsItself() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-a.md", TemporarySite.post(title: "A", body: "Neue Gesetze für Städte."))
        try site.write("_posts/2020-01-02-b.md", TemporarySite.post(title: "B", body: "Ein Gesetzgebungsverfahren."))
        try site.write("_posts/2020-01-03-c.md", TemporarySite.post(title: "C", body: "Sie verwalten alles."))
        try site.write("_posts/2020-01-04-d.md", TemporarySite.post(title: "D", body: "Die Verwaltungen der Stadt."))
        try index(site)
        let searchIndex = try SearchIndex(path: site.indexPath)
        func titles(_ query: String) throws -> [String] {
            try searchIndex.search(SearchRequest(query: query)).hits.map(\.title).sorted()
        }
        #expect(try titles("Gesetze*") == ["A"])       // not Gesetzgebung, whose stem starts with gesetz
        // Searched as a word too, Städte* also finds Stadt: the same word, one letter shorter.
        #expect(try titles("Städte*") == ["A", "D"])
        #expect(try titles("Staedte*") == ["A", "D"])
        #expect(try titles("Gesetz*") == ["A", "B"])
        #expect(try titles("Verwaltun*") == ["D"])     // not "verwalten", though both stem to verwalt
        #expect(try titles("Stadt -Gesetze*") == ["D"])
    }
}

@Suite struct IncrementalIndexing {
    private func site(posts: Int) throws -> TemporarySite {
        let site = try TemporarySite()
        for n in 1...posts {
            try site.write("_posts/2020-01-\(String(format: "%02d", n))-post-\(n).md",
                           TemporarySite.post(title: "Beitrag \(n)", tags: "[Thema\(n % 3)]", body: "Inhalt \(n) über Verwaltungen."))
        }
        return site
    }

    @Test func touchEditDeleteUnpublish() throws {
        let site = try site(posts: 6)
        var report = try index(site)
        #expect((report.added, report.unchanged, report.rejected.count) == (6, 0, 0))

        // Rewriting the same bytes (a touch) changes nothing.
        try site.write("_posts/2020-01-01-post-1.md", try site.read("_posts/2020-01-01-post-1.md"))
        report = try index(site)
        #expect((report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 6))

        try site.write("_posts/2020-01-02-post-2.md", TemporarySite.post(title: "Neu", body: "Ganz anderer Wortlaut zur Haushaltsplanung."))
        report = try index(site)
        #expect((report.updated, report.unchanged) == (1, 5))
        let searchIndex = try SearchIndex(path: site.indexPath)
        #expect(try highlights("Haushaltsplanung", in: searchIndex).count == 1)
        #expect(try highlights("\"Inhalt 2\"", in: searchIndex).isEmpty)

        try site.remove("_posts/2020-01-03-post-3.md")
        report = try index(site)
        #expect((report.removed, report.unchanged) == (1, 5))

        try site.write("_posts/2020-01-04-post-4.md", TemporarySite.post(extra: "published: false", body: "Geheimwort"))
        report = try index(site)
        #expect((report.removed, report.unchanged) == (1, 4))
        #expect(try highlights("Geheimwort", in: searchIndex).isEmpty)
        #expect(try paths(searchIndex).count == 4)
        #expect(try searchIndex.statistics().posts == 4)
    }

    @Test func malformedPostIsRejectedAndItsOldVersionStays() throws {
        let site = try site(posts: 4)
        try index(site)
        try site.write("_posts/2020-01-02-post-2.md", "---\ntitle: Kaputt\ntags: [offen\n---\nNeuer Text")
        try site.write("_posts/2020-01-09-neu.md", TemporarySite.post(title: "Noch einer"))
        let report = try index(site)
        #expect(report.added == 1)
        #expect(report.rejected.map(\.path) == ["_posts/2020-01-02-post-2.md"])
        #expect(report.rejected.first?.line != nil)
        let searchIndex = try SearchIndex(path: site.indexPath)
        #expect(try paths(searchIndex).contains("_posts/2020-01-02-post-2.md"))
        #expect(try highlights("\"Inhalt 2\"", in: searchIndex).count == 1)  // the old text is still found
    }

    @Test func futurePostsAndDraftsFollowTheFlags() throws {
        let site = try site(posts: 2)
        try site.write("_posts/2999-01-01-zukunft.md", TemporarySite.post(date: nil))
        try site.write("_drafts/entwurf.md", TemporarySite.post(date: nil))
        #expect(try index(site).added == 2)
        #expect(try index(site, options: .init(drafts: true, future: true)).added == 2)
        let report = try index(site)
        #expect((report.removed, report.unchanged) == (2, 2))
    }

    @Test func cachedResultsEndWithTheNextIndexRun() throws {
        let site = try site(posts: 2)
        try index(site)
        let searchIndex = try SearchIndex(path: site.indexPath, cachesResults: true)
        #expect(try searchIndex.search(SearchRequest(query: "Quittengelee")).total == 0)
        try site.write("_posts/2020-01-05-neu.md", TemporarySite.post(body: "Quittengelee"))
        try index(site)  // another SearchIndex, as `volltext index` in another process
        #expect(try searchIndex.search(SearchRequest(query: "Quittengelee")).total == 1)
        try site.remove("_posts/2020-01-05-neu.md")
        try index(site)
        #expect(try searchIndex.search(SearchRequest(query: "Quittengelee")).total == 0)
    }

    @Test func rebuildReindexesEverything() throws {
        let site = try site(posts: 3)
        try index(site)
        let report = try index(site, rebuild: true)
        #expect((report.added, report.unchanged) == (3, 0))
        #expect(try SearchIndex(path: site.indexPath).statistics().posts == 3)
    }

    @Test func unusedTagsDisappearAndTagsMatchByFoldedKey() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-a.md", TemporarySite.post(tags: "[Behörden, Offene Daten]"))
        try site.write("_posts/2020-01-02-b.md", TemporarySite.post(tags: "[Behoerden, offene daten]"))
        try index(site)
        let searchIndex = try SearchIndex(path: site.indexPath)
        let keys = try searchIndex.database.read { db in try String.fetchAll(db, sql: "SELECT key FROM tag ORDER BY key") }
        #expect(keys == ["behorden", "offene daten"])
        try site.remove("_posts/2020-01-01-a.md")
        try site.remove("_posts/2020-01-02-b.md")
        try index(site)
        #expect(try searchIndex.statistics().tags == 0)
    }
}

@Suite struct OpeningIndexes {
    @Test func missingIndexForReading() {
        #expect(throws: IndexError.noIndex(path: "/tmp/volltext-none.sqlite")) {
            try SearchIndex(path: "/tmp/volltext-none.sqlite")
        }
    }

    @Test func anotherDatabaseIsNotAnIndex() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("other-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try DatabaseQueue(path: path).write { db in try db.execute(sql: "CREATE TABLE kunden (name TEXT)") }
        #expect(throws: IndexError.notAnIndex(path: path)) { try SearchIndex(path: path, create: true) }
        #expect(throws: IndexError.notAnIndex(path: path)) { try SearchIndex(path: path) }
    }

    /// Read-only files and full disks cannot be staged here as root (CI runs as root),
    /// so check that SQLite's codes become the typed errors the CLI and server word.
    @Test func sqliteFailuresBecomeTypedErrors() {
        #expect(IndexError.from(DatabaseError(resultCode: .SQLITE_READONLY), path: "i.sqlite") == .readOnly(path: "i.sqlite"))
        #expect(IndexError.from(DatabaseError(resultCode: .SQLITE_FULL), path: "i.sqlite") == .diskFull(path: "i.sqlite"))
        #expect(IndexError.from(DatabaseError(resultCode: .SQLITE_BUSY), path: "i.sqlite") == .busy(path: "i.sqlite"))
        #expect(IndexError.from(DatabaseError(resultCode: .SQLITE_ERROR, message: "boom"), path: "i.sqlite")
                == .database(path: "i.sqlite", reason: "boom"))
    }

    @Test func garbageIsCorrupt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("garbage-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        #expect(throws: IndexError.corrupt(path: path)) { try SearchIndex(path: path, create: true) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(repeating: 0x41, count: 4096))  // untouched
    }
}

@Suite(.enabled(if: SharedData.isUsable, Comment(rawValue: SharedData.skipMessage)))
struct RealSiteIndex {
    @Test func everyPublishedPostOnceWithItsMetadata() throws {
        let root = try SharedData.url("corpus/okfn-de")
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("okfn-\(UUID()).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let searchIndex = try SearchIndex(path: path, create: true)
        let report = try searchIndex.update(from: SiteReader(root: root))
        #expect(report.added == 495)
        #expect(report.rejected.isEmpty)

        // The 7 posts with `published: false`, found independently, are not indexed.
        let reader = try SiteReader(root: root)
        var unpublished: [String] = []
        var expected: [String: (title: String?, date: String?, tags: [String])] = [:]
        for file in try reader.postFiles() {
            let text = try String(contentsOf: root.appendingPathComponent(file.path), encoding: .utf8)
            if CrudeFrontMatter.value("published", in: text) == "false" { unpublished.append(file.path) }
            else {
                expected[file.path] = (CrudeFrontMatter.value("title", in: text), CrudeFrontMatter.value("date", in: text),
                                       CrudeFrontMatter.list("tags", in: text))
            }
        }
        #expect(unpublished.count == 7)
        let rows = try searchIndex.database.read { db in try Row.fetchAll(db, sql: """
            SELECT path, title, date,
                   (SELECT json_group_array(name) FROM (SELECT name FROM post_tag WHERE post_id = post.id ORDER BY position)) AS tags
            FROM post
            """) }
        #expect(rows.count == 495)
        #expect(Set(rows.map { $0["path"] as String }).isDisjoint(with: unpublished))
        #expect(Set(rows.map { $0["path"] as String }) == Set(expected.keys))
        for row in rows {
            let path: String = row["path"]
            guard let want = expected[path] else { continue }
            if let title = want.title, !title.contains("\\") { #expect(row["title"] == title.trimmingCharacters(in: .whitespaces), "\(path)") }
            if let date = want.date { #expect(row["date"] == String(date.prefix(10)), "\(path)") }
            let tags = try JSONDecoder().decode([String].self, from: Data((row["tags"] as String).utf8))
            // A tag written twice (4 posts do) is shown once.
            var seen = Set<String>()
            if !want.tags.isEmpty { #expect(tags == want.tags.filter { seen.insert($0).inserted }, "\(path)") }
        }
        // FTS and metadata agree: one text row per post.
        let textRows = try searchIndex.database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM post_text") }
        #expect(textRows == 495)

        let again = try searchIndex.update(from: SiteReader(root: root))
        #expect((again.added, again.updated, again.removed, again.unchanged) == (0, 0, 0, 495))
    }
}

@Suite struct Privacy {
    /// A retraction that also breaks the front matter takes the post out
    /// instead of keeping its last readable version.
    @Test func aBrokenRetractionRemovesThePost() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-a.md", TemporarySite.post(body: "Geheimwort steht hier."))
        try site.write("_posts/2020-01-02-b.md", TemporarySite.post(body: "Anderer Text."))
        try index(site)
        try site.write("_posts/2020-01-01-a.md", "---\ntitle: \"kaputt\npublished: false\n---\nGeheimwort steht hier.\n")
        try site.write("_posts/2020-01-02-b.md", "---\ntitle: \"kaputt\n---\nAnderer Text, neu.\n")
        let report = try index(site)
        #expect(report.rejected.count == 2)
        #expect(report.removed == 1)
        #expect(try paths(SearchIndex(path: site.indexPath)) == ["_posts/2020-01-02-b.md"])
    }

    /// Every post Jekyll would not publish stays out of search, tags and counts.
    @Test func unpublishedPostsAreNeverCounted() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-offen.md", TemporarySite.post(tags: "[Offen]", body: "Offene Daten."))
        try site.write("_posts/2020-01-02-leer.md", TemporarySite.post(tags: "[GeheimA]", extra: "published:", body: "Offene Daten."))
        try site.write("_posts/_x/2020-01-03-x.md", TemporarySite.post(tags: "[GeheimB]", body: "Offene Daten."))
        try site.write("archiv/_posts/2020-01-04-y.md", TemporarySite.post(tags: "[GeheimC]", body: "Offene Daten."))
        try site.write("_config.yml", "exclude: [archiv]\n")
        try index(site)
        let searchIndex = try SearchIndex(path: site.indexPath)
        let results = try searchIndex.search(SearchRequest(query: "offene Daten"))
        #expect(results.total == 1)
        #expect(results.facets.tags.map(\.tag) == ["Offen"])
        #expect(try searchIndex.allTags().map(\.tag) == ["Offen"])
        #expect(try searchIndex.statistics().posts == 1)
    }
}

@Suite struct TwoWriters {
    /// Two index runs over one file at once: the second waits for the first.
    @Test func overlappingRunsBothSucceed() async throws {
        let site = try TemporarySite()
        for day in 1...60 {
            try site.write("_posts/2020-01-\(String(format: "%02d", day % 28 + 1))-p\(day).md",
                           TemporarySite.post(body: String(repeating: "Die Verwaltung veröffentlicht offene Daten. ", count: 200)))
        }
        try index(site)
        try site.write("_posts/2020-02-01-neu.md", TemporarySite.post(body: "Wombatzeile"))
        let path = site.indexPath, root = site.root
        async let first = Task.detached {
            try SearchIndex(path: path, create: true).update(from: SiteReader(root: root), rebuild: true)
        }.value
        async let second = Task.detached {
            try SearchIndex(path: path, create: true).update(from: SiteReader(root: root))
        }.value
        let reports = try await [first, second]
        #expect(reports.count == 2)
        #expect(try await SearchIndex(path: path).search(SearchRequest(query: "Wombatzeile")).total == 1)
        #expect(try await SearchIndex(path: path).statistics().posts == 61)
    }

    @Test func aWriterThatWaitsTooLongSaysSo() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-a.md", TemporarySite.post())
        try index(site)
        let holder = try DatabaseQueue(path: site.indexPath)
        try holder.inDatabase { db in
            try db.execute(sql: "BEGIN IMMEDIATE")  // another writer, holding the file
            #expect(throws: IndexError.busy(path: site.indexPath)) {
                try SearchIndex(path: site.indexPath, create: true, busyTimeout: 0.2).update(from: SiteReader(root: site.root))
            }
            try db.execute(sql: "ROLLBACK")
        }
    }
}

@Suite struct Migrations {
    /// An index made before v4 kept tags and authors as JSON in `post`; opened
    /// for writing, they move into `post_tag`/`post_author` with their order and
    /// spelling, and the JSON columns go.
    @Test func tagsAndAuthorsLeaveTheJSONColumns() throws {
        let site = try TemporarySite()
        var configuration = Configuration()
        configuration.prepareDatabase { db in db.add(tokenizer: GermanFTS5Tokenizer.self) }
        let pool = try DatabasePool(path: site.indexPath, configuration: configuration)
        try SearchIndex.migrator(tokenizer: .german).migrate(pool, upTo: "v3 expiry")
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO post (id, path, url, title, date, sort_date, timestamp, authors, tags, categories,
                                  description, lang, is_draft, front_matter, content_hash, indexed_at)
                VALUES (1, '_posts/2020-01-01-a.md', '/a/', 'Haushalt', '2020-01-01', '2020-01-01T00:00:00', 0,
                        '["Mara Öztürk","Ben"]', '["Offene Daten","Haushalt","offene daten"]', '[]', NULL, NULL, 0, '{}', 'x', '');
                INSERT INTO tag (id, name, key) VALUES (1, 'Haushalt', 'haushalt'), (2, 'Offene Daten', 'offene daten');
                INSERT INTO post_tag (post_id, tag_id) VALUES (1, 1), (1, 2);
                INSERT INTO post_author (post_id, name, key) VALUES (1, 'Ben', 'ben'), (1, 'Mara Öztürk', 'mara ozturk');
                INSERT INTO post_text (rowid, title, tags, description, body, code)
                VALUES (1, 'Haushalt', 'Offene Daten', '', 'Der Haushalt liegt offen.', '');
                INSERT INTO index_info (key, value) VALUES ('generation', 'old');
                """)
        }
        try pool.close()
        let index = try SearchIndex(path: site.indexPath, create: true)
        let hit = try #require(try index.search(SearchRequest(query: "Haushalt")).hits.first)
        #expect(hit.tags == ["Offene Daten", "Haushalt"])
        #expect(hit.authors == ["Mara Öztürk", "Ben"])
        let columns = try index.database.read { db in try db.columns(in: "post").map(\.name) }
        #expect(!columns.contains("authors") && !columns.contains("tags") && !columns.contains("front_matter"))
        #expect(try index.search(SearchRequest(query: "", tags: ["offene daten"], author: "mara")).total == 1)
    }
}

@Suite struct DamagedFiles {
    /// Values a damaged (or hand-edited) file could hold: each gives results
    /// or a clear error, never a trap or a huge allocation.
    @Test(arguments: [
        "UPDATE post SET id = 9223372036854775807 WHERE id = (SELECT max(id) FROM post)",
        "UPDATE post SET id = 3000000000 WHERE id = (SELECT max(id) FROM post)",
        "UPDATE post_tag SET tag_id = 4000000000",
        "UPDATE tag SET id = -5 WHERE id = (SELECT min(id) FROM tag)",
        "UPDATE post SET sort_date = 12, date = 7, title = x'00ff'",
        "UPDATE post_tag SET name = 3, position = 'x'",
        "UPDATE post_tag SET post_id = 'x'",
    ])
    func damagedValuesNeverTrap(_ damage: String) throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-a.md", TemporarySite.post(body: "Offene Daten."))
        try site.write("_posts/2020-01-02-b.md", TemporarySite.post(tags: "[Haushalt]", body: "Offene Daten, mehr."))
        try index(site)
        var configuration = Configuration()
        configuration.foreignKeysEnabled = false
        try DatabaseQueue(path: site.indexPath, configuration: configuration).write { db in try db.execute(sql: damage) }
        do {
            let results = try SearchIndex(path: site.indexPath).search(SearchRequest(query: "offene Daten"))
            #expect(results.total <= 2)
        } catch let error as IndexError {
            #expect(error == .corrupt(path: site.indexPath))
        }
    }
}

@Suite struct HugoSites {
    static let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Examples/hugo").standardized

    private func copyOfExample() throws -> TemporarySite {
        let site = try TemporarySite()
        let files = FileManager.default.enumerator(atPath: Self.example.path)!.compactMap { $0 as? String }
            .filter { !$0.hasPrefix(".") && ($0.hasSuffix(".md") || $0.hasSuffix(".toml")) }
        try site.copy(files, from: Self.example)
        return site
    }

    private func date(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func incrementalRunsLanguagesAndExpiry() throws {
        let site = try copyOfExample()
        let summer = SiteReader.Options(now: date("2024-07-15T00:00:00Z"))
        var report = try index(site, options: summer)
        #expect(report.added == 9)  // the eight of 2025 and the summer party, not yet expired
        let searchIndex = try SearchIndex(path: site.indexPath)
        #expect(try searchIndex.search(SearchRequest(query: "Sommerfest")).total == 1)

        // Nothing changed but the date: the expired post goes, the rest stays untouched.
        report = try index(site, options: .init(now: date("2024-09-01T00:00:00Z")))
        #expect(report.removed == 1 && report.unchanged == 8 && report.added == 0)
        #expect(try SearchIndex(path: site.indexPath).search(SearchRequest(query: "Sommerfest")).total == 0)

        try site.write("content/blog/2024-02-03-strassenbaeume.md",
                       try site.read("content/blog/2024-02-03-strassenbaeume.md") + "\nNeu: Wasserstellen.\n")
        report = try index(site, options: .init(now: date("2024-09-01T00:00:00Z")))
        #expect(report.updated == 1 && report.unchanged == 7)

        let fresh = try SearchIndex(path: site.indexPath)
        let english = try fresh.search(SearchRequest(query: "Fahrradwege OR cycle", lang: "en"))
        #expect(english.hits.map(\.url) == ["/en/blog/fahrradwege/"])
        let german = try fresh.search(SearchRequest(query: "Fahrradwege OR cycle", lang: "de-DE"))
        #expect(german.hits.map(\.url) == ["/blog/fahrradwege/"])
        #expect(try fresh.search(SearchRequest(query: "Fahrradwege OR cycle")).total == 2)
        #expect(throws: QueryError.self) { try fresh.search(SearchRequest(query: "x", lang: "de' OR 1")) }
    }
}

@Suite struct ReadingWhileWriting {
    /// Results come out in order whatever order the workers finish in, never
    /// more than the window ahead, and stopping early leaves no worker running.
    @Test func orderedAndBounded() {
        // NSLock, not Mutex: ThreadSanitizer sees pthread locks, not Mutex's futex.
        final class Counters: @unchecked Sendable {
            let lock = NSLock()
            var ahead = 0, consumed = 0
        }
        let counters = Counters()
        let pipeline = OrderedPipeline(count: 500, workers: 3, window: 8) { index in
            usleep(UInt32.random(in: 0...200))
            counters.lock.withLock { counters.ahead = max(counters.ahead, index - counters.consumed) }
            return index
        }
        var seen: [Int] = []
        while let value = pipeline.next() {
            seen.append(value)
            counters.lock.withLock { counters.consumed += 1 }
        }
        pipeline.stop()
        #expect(seen == Array(0..<500))
        #expect(counters.lock.withLock { counters.ahead } <= 8)

        let early = OrderedPipeline(count: 10_000, workers: 2, window: 16) { $0 }
        #expect(early.next() == 0)
        early.stop()  // returns: the workers have ended
        #expect(early.next() == nil)
    }

    /// A consumer that would wait produces unclaimed results itself (a no-op
    /// index run reads on both cores), still in order and within the window.
    @Test func aWaitingConsumerProducesToo() {
        final class Threads: @unchecked Sendable {
            let lock = NSLock()
            var onConsumer = 0, onWorkers = 0
        }
        let consumer = pthread_self()
        let threads = Threads()
        let pipeline = OrderedPipeline(count: 200, workers: 1, window: 32) { index in
            usleep(300)  // slow reading, a writer with nothing to do
            threads.lock.withLock {
                if pthread_equal(pthread_self(), consumer) != 0 { threads.onConsumer += 1 } else { threads.onWorkers += 1 }
            }
            return index
        }
        var seen: [Int] = []
        while let value = pipeline.next() { seen.append(value) }
        pipeline.stop()
        #expect(seen == Array(0..<200))
        let (onConsumer, onWorkers) = threads.lock.withLock { (threads.onConsumer, threads.onWorkers) }
        #expect(onConsumer > 0 && onConsumer + onWorkers == 200, "consumer \(onConsumer), workers \(onWorkers)")
    }

    /// A worker learns how far ahead of the consumer the results are: near the
    /// window when the consumer is the slower side (an index run then lets the
    /// readers analyse), never beyond it.
    @Test func workersSeeHowFarAheadTheyAre() {
        final class Ahead: @unchecked Sendable {
            let lock = NSLock()
            var values: [Int] = []
        }
        let seen = Ahead()
        let pipeline = OrderedPipeline(count: 400, workers: 2, window: 32) { index, ahead in
            seen.lock.withLock { seen.values.append(ahead) }
            return index
        }
        while pipeline.next() != nil { usleep(200) }  // a slow consumer
        pipeline.stop()
        let values = seen.lock.withLock { seen.values }
        #expect(values.count == 400)
        #expect(values.allSatisfy { $0 >= 0 && $0 <= 32 })
        #expect(values.max()! >= 16, "the workers never got ahead of a slow consumer")
    }
}

/// Posts analysed on the reading threads (``AnalyzedColumn``, replayed to
/// FTS5) must give the very index the writer's own analysis gives.
@Suite(.enabled(if: SharedData.isUsable, Comment(rawValue: SharedData.skipMessage)))
struct AnalysisWhileReading {
    /// FTS5's stored index, row by row, and the posts' token counts.
    private func contents(of path: String) throws -> (data: [Row], sizes: [Row]) {
        let queue = try DatabaseQueue(path: path)
        return try queue.read { db in
            (try Row.fetchAll(db, sql: "SELECT id, block FROM post_text_data ORDER BY id"),
             try Row.fetchAll(db, sql: "SELECT id, sz FROM post_text_docsize ORDER BY id"))
        }
    }

    @Test func theIndexIsTheSameAsTheWritersOwnAnalysis() throws {
        let corpus = try SharedData.url("corpus/okfn-de")
        let files = (FileManager.default.enumerator(atPath: corpus.path)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".md") || $0.hasSuffix(".markdown") || $0.hasSuffix(".yml") }
        var built: [(data: [Row], sizes: [Row])] = []
        for mode in [SearchIndex.AnalysisWhileReading.never, .always] {
            let site = try TemporarySite()
            try site.copy(files, from: corpus)
            let index = try SearchIndex(path: site.indexPath, create: true)
            #expect(try index.update(from: SiteReader(root: site.root), analysisWhileReading: mode).added == 495)
            // Every post edited: FTS5 tokenizes each old text itself to delete it,
            // and takes the new one's tokens from the reading threads.
            for path in files where path.contains("_posts/") {
                try site.write(path, try site.read(path) + "\nEin neuer Satz über Straßenbäume.\n")
            }
            #expect(try index.update(from: SiteReader(root: site.root), analysisWhileReading: mode).updated == 495)
            built.append(try contents(of: site.indexPath))
        }
        #expect(built[0].data.count > 10 && built[0].sizes.count == 495)
        let sameData = built[0].data == built[1].data, sameSizes = built[0].sizes == built[1].sizes
        #expect(sameData, "FTS5's stored index differs")
        #expect(sameSizes, "the posts' token counts differ")
    }
}

@Suite struct HealthReads {
    /// The health check reads the post count from memory: it must still say
    /// what `volltext stats` says, after each index run, drafts and
    /// unpublished posts not counted.
    @Test func healthAgreesWithStatisticsAfterEachRun() async throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-a.md", TemporarySite.post(title: "A"))
        try site.write("_posts/2020-01-02-b.md", TemporarySite.post(title: "B"))
        try site.write("_posts/2020-01-03-c.md", TemporarySite.post(title: "C", extra: "published: false"))
        try site.write("_drafts/d.md", TemporarySite.post(title: "D"))
        let index = try SearchIndex(path: site.indexPath, create: true)
        _ = try index.update(from: SiteReader(root: site.root))
        var health = try await index.health()
        var statistics = try await index.statistics()
        #expect(health == IndexHealth(posts: 2, lastIndexed: statistics.lastIndexed))
        #expect(statistics.posts == 2 && statistics.lastIndexed != nil)

        try site.remove("_posts/2020-01-01-a.md")
        _ = try index.update(from: SiteReader(root: site.root))
        health = try await index.health()
        statistics = try await index.statistics()
        #expect(health == IndexHealth(posts: 1, lastIndexed: statistics.lastIndexed))
    }
}

/// A first build happens in a file of its own, linked into place when complete.
@Suite struct NewIndexFiles {
    private func site(posts: Int) throws -> TemporarySite {
        let site = try TemporarySite()
        let bodies = ["Die Verwaltungen veröffentlichen ihre Haushaltspläne als offene Daten.",
                      "Bürgerbeteiligung braucht Transparenz: Informationsfreiheit für alle!",
                      "Straßenbäume, Radwege und der Öffentliche Nahverkehr in Köln."]
        for n in 1...posts {
            try site.write("_posts/2021-03-\(String(format: "%02d", n % 28 + 1))-beitrag-\(n).md",
                           TemporarySite.post(title: "Beitrag \(n)", tags: "[Thema \(n % 4)]",
                                              body: String(repeating: bodies[n % 3] + " ", count: n % 7 + 1)))
        }
        return site
    }

    /// Files in the index's folder that a build left behind.
    private func leftovers(of path: String) throws -> [String] {
        let url = URL(fileURLWithPath: path)
        return try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path)
            .filter { $0.hasPrefix("." + url.lastPathComponent + ".building-") }
    }

    /// Built aside or in place, the index holds the same rows: the route changes
    /// how pages reach the disk, not what they hold.
    @Test func aNewIndexIsTheSameAsOneBuiltInPlace() throws {
        let site = try site(posts: 40)
        let newFile = try #require(NewIndexFile(for: site.indexPath))
        #expect(newFile.build(from: try SiteReader(root: site.root), tokenizer: .german, progress: nil)?.added == 40)
        #expect(try leftovers(of: site.indexPath).isEmpty)
        // In WAL mode before any pool opens it, as readers expect of an index.
        #expect(try DatabaseQueue(path: site.indexPath).read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") } == "wal")
        #expect(try SearchIndex(path: site.indexPath).search(SearchRequest(query: "Verwaltung")).total > 0)
        let inPlace = site.root.path + "-in-place.sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: inPlace + suffix) } }
        _ = try SearchIndex(path: inPlace, create: true).update(from: SiteReader(root: site.root))
        func rows(_ path: String) throws -> [[Row]] {
            try DatabaseQueue(path: path).read { db in
                try ["SELECT id, block FROM post_text_data ORDER BY id", "SELECT * FROM post_text_docsize ORDER BY id",
                     "SELECT id, path, url, title, sort_date, content_hash FROM post ORDER BY id",
                     "SELECT * FROM post_tag ORDER BY post_id, tag_id", "SELECT * FROM tag ORDER BY id"]
                    .map { try Row.fetchAll(db, sql: $0) }
            }
        }
        let aside = try rows(site.indexPath), inPlaceRows = try rows(inPlace)
        #expect(aside[0].count > 1 && aside[2].count == 40)
        #expect(aside == inPlaceRows)
    }

    /// An index that another run put at the path while this one built is kept,
    /// and this run updates it instead of replacing it.
    @Test func anIndexThatAppearsMeanwhileIsKept() throws {
        let site = try site(posts: 3)
        let newFile = try #require(NewIndexFile(for: site.indexPath))
        let other = try TemporarySite()
        try other.write("_posts/2020-01-01-anderer.md", TemporarySite.post(title: "Ein anderer Beitrag"))
        _ = try SearchIndex(path: site.indexPath, create: true).update(from: SiteReader(root: other.root))
        #expect(newFile.build(from: try SiteReader(root: site.root), tokenizer: .german, progress: nil) == nil)
        #expect(try leftovers(of: site.indexPath).isEmpty)
        #expect(try SearchIndex(path: site.indexPath).statistics().posts == 1)
        let report = try SearchIndex.updating(path: site.indexPath, from: SiteReader(root: site.root)).report
        #expect((report.added, report.removed) == (3, 1))
    }

    /// A build killed half-way leaves its file; the next run removes it, but
    /// never a file of a build whose process still runs.
    @Test func abandonedBuildsAreRemoved() throws {
        let site = try site(posts: 1)
        let url = URL(fileURLWithPath: site.indexPath)
        let folder = url.deletingLastPathComponent().path, prefix = "." + url.lastPathComponent + ".building-"
        let dead = folder + "/" + prefix + "999999999-1", alive = folder + "/" + prefix + "\(getpid())-1"
        defer { for file in [alive, dead, dead + "-journal"] { try? FileManager.default.removeItem(atPath: file) } }
        for file in [dead, dead + "-journal", alive] { try Data("halb".utf8).write(to: URL(fileURLWithPath: file)) }
        _ = try SearchIndex.updating(path: site.indexPath, from: SiteReader(root: site.root))
        #expect(try leftovers(of: site.indexPath) == [URL(fileURLWithPath: alive).lastPathComponent])
        // Also when the index is there by now, and the run updates it in place.
        try Data("halb".utf8).write(to: URL(fileURLWithPath: dead))
        _ = try SearchIndex.updating(path: site.indexPath, from: SiteReader(root: site.root))
        #expect(try leftovers(of: site.indexPath) == [URL(fileURLWithPath: alive).lastPathComponent])
    }

    /// A WAL file without its index (the index deleted alone) would be read as
    /// part of any new file at the path; such a path is built in place, as before.
    @Test func aLeftoverWALKeepsTheBuildInPlace() throws {
        let site = try site(posts: 2)
        try Data().write(to: URL(fileURLWithPath: site.indexPath + "-wal"))
        defer { try? FileManager.default.removeItem(atPath: site.indexPath + "-wal") }
        #expect(NewIndexFile(for: site.indexPath) == nil)
        #expect(try SearchIndex.updating(path: site.indexPath, from: SiteReader(root: site.root)).report.added == 2)
    }
}
