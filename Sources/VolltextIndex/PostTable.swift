import GRDB
import Synchronization

/// What a search needs to know about every post, held in memory: lengths for
/// BM25, tags for filters and facet counts, dates for filters and ordering,
/// and what a hit shows (path, URL, title, tags and authors as written).
///
/// Searches on large sites match tens of thousands of posts. Looking each one
/// up in SQLite (a B-tree seek per match, as `bm25()` does for lengths and a
/// join does for tags) costs more than the full-text match itself; reading an
/// array costs nanoseconds. The same holds for a page of hits on a small site:
/// three seeks per hit were an eighth of a search on okfn-de.
///
/// A snapshot is loaded once per index generation, inside the same read
/// transaction as the search that needs it, so it always describes the index
/// being searched. At 20,000 posts the hit fields take about 11 MB of it.
final class PostTable: Sendable {
    struct Snapshot: Sendable {
        let generation: String
        // The arrays are indexed by post id (the FTS5 rowid); ids without a post have `order` -1.
        /// Tokens in all columns, as FTS5 counts them for BM25.
        let lengths: [UInt32]
        /// Tokens in the body (FTS5's size of column `SnippetFunction.column`), for snippets.
        let bodyLengths: [UInt32]
        /// Rank by `sort_date`: larger is newer, equal for the same time.
        let order: [Int32]
        /// Ids that are posts.
        let postCount: Int
        /// `YYYY-MM-DD`, for `since` and `until`.
        let dates: [String]
        /// Each post's tag ids, for filters and facets.
        let tagIDLists: PostLists<Int32>
        let tagNames: [Int32: String]
        let tagIDsByKey: [String: Int32]
        /// One more than the largest tag id in use.
        let tagIDLimit: Int
        /// What a hit shows, by post id.
        let paths: [String], urls: [String], titles: [String]
        /// Each post's tags and authors, in its own order and spelling.
        let shownTags: PostLists<String>, authors: PostLists<String>

        var idCount: Int { order.count }

        func exists(_ id: Int64) -> Bool { id >= 0 && id < order.count && order[Int(id)] >= 0 }

        func tags(of id: Int64) -> ArraySlice<Int32> { tagIDLists[id] }

        /// Tag counts over `ids`, most frequent first, then by name; at most `limit`.
        func tagCounts(over ids: some Sequence<Int64>, limit: Int) -> [SearchResults.TagCount] {
            var counts = [Int32](repeating: 0, count: tagIDLimit)
            for id in ids {
                for tag in tags(of: id) { counts[Int(tag)] += 1 }
            }
            // Sort by count alone (cheap), then by name only where counts tie.
            var counted = counts.indices.filter { counts[$0] > 0 }
            counted.sort { counts[$0] > counts[$1] }
            guard let lastKept = counted.prefix(limit).last else { return [] }
            let cutoff = counts[lastKept]
            let kept = counted.prefix { counts[$0] >= cutoff }
                .map { SearchResults.TagCount(tag: tagNames[Int32($0)] ?? "", count: Int(counts[$0])) }
            return kept.sorted { $0.count != $1.count ? $0.count > $1.count : $0.tag < $1.tag }.prefix(limit).map { $0 }
        }
    }

    private let current = Mutex<Snapshot?>(nil)

    /// The snapshot for `generation`, loaded from `db` if the one held is older.
    func snapshot(generation: String, db: Database) throws -> Snapshot {
        if let held = current.withLock({ $0 }), held.generation == generation { return held }
        let fresh = try Self.load(generation: generation, db: db)
        current.withLock { $0 = fresh }
        return fresh
    }

    /// Thrown for an index whose ids could not have come from Volltext: the
    /// file is damaged (or was edited by hand) and must be rebuilt.
    struct DamagedIndex: Error {}

    /// Every value read here is checked: a damaged file gives `DamagedIndex`
    /// or loses the bad rows, never a trap or a huge allocation.
    private static func load(generation: String, db: Database) throws -> Snapshot {
        let postCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM post") ?? 0
        let tagCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM tag") ?? 0
        // Ids grow only with posts added over time; far beyond the count, they are damage.
        let maxID = try integer(DatabaseValue.fetchOne(db, sql: "SELECT max(id) FROM post")) ?? -1
        guard maxID < Int64(postCount) * 4 + 100_000 else { throw DamagedIndex() }
        let count = Int(max(maxID, -1) + 1)
        let tagLimit = Int64(tagCount) * 4 + 100_000
        func postID(_ row: Row, _ column: Int) -> Int? {
            guard let id = integer(row[column] as DatabaseValue), id >= 0, id < count else { return nil }
            return Int(id)
        }
        func tagID(_ row: Row, _ column: Int) -> Int32? {
            guard let id = integer(row[column] as DatabaseValue), id >= 0, id < tagLimit else { return nil }
            return Int32(id)
        }

        // The order comes from the sort_date index alone; the dates from one pass over the table.
        var order = [Int32](repeating: -1, count: count)
        var rank: Int32 = -1
        var previous: String?
        let posts = try Row.fetchCursor(db, sql: "SELECT id, sort_date FROM post ORDER BY sort_date")
        while let row = try posts.next() {
            guard let id = postID(row, 0) else { continue }
            let sortDate = String.fromDatabaseValue(row[1]) ?? ""
            if sortDate != previous { rank += 1 }
            previous = sortDate
            order[id] = rank
        }
        var dates = [String](repeating: "", count: count)
        var (paths, urls, titles) = (dates, dates, dates)
        let postRows = try Row.fetchCursor(db, sql: "SELECT id, date, path, url, title FROM post")
        while let row = try postRows.next() {
            guard let id = postID(row, 0) else { continue }
            // A hit without its path, URL or title cannot be shown: the file is damaged.
            guard let path = String.fromDatabaseValue(row[2]), let url = String.fromDatabaseValue(row[3]),
                  let title = String.fromDatabaseValue(row[4]) else { throw DamagedIndex() }
            dates[id] = String.fromDatabaseValue(row[1]) ?? ""
            (paths[id], urls[id], titles[id]) = (path, url, title)
        }

        // FTS5 stores each row's token counts per column as varints.
        var lengths = [UInt32](repeating: 0, count: count)
        var bodyLengths = lengths
        let sizes = try Row.fetchCursor(db, sql: "SELECT id, sz FROM post_text_docsize")
        while let row = try sizes.next() {
            guard let id = postID(row, 0) else { continue }
            let (length, body) = try row.withUnsafeData(atIndex: 1) { blob in
                blob?.withUnsafeBytes { Self.sumOfVarints($0, keeping: Int(SnippetFunction.column)) } ?? (0, 0)
            }
            (lengths[id], bodyLengths[id]) = (UInt32(clamping: length), UInt32(clamping: body))
        }

        // post_tag is stored in (post_id, tag_id) order: the tag lists come out one post after another.
        let tagIDLists = try PostLists(db, sql: "SELECT post_id, tag_id FROM post_tag ORDER BY post_id, tag_id", count: count) {
            tagID($0, 1)
        }
        // A post's tags and authors as it writes them, in its order.
        let shownTags = try PostLists(db, sql: "SELECT post_id, name FROM post_tag ORDER BY post_id, position", count: count) {
            String.fromDatabaseValue($0[1])
        }
        let authors = try PostLists(db, sql: "SELECT post_id, name FROM post_author ORDER BY post_id, position", count: count) {
            String.fromDatabaseValue($0[1])
        }

        var tagNames: [Int32: String] = [:]
        var tagIDsByKey: [String: Int32] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name, key FROM tag") {
            guard let id = tagID(row, 0) else { continue }
            tagNames[id] = String.fromDatabaseValue(row[1]) ?? ""
            if let key = String.fromDatabaseValue(row[2]) { tagIDsByKey[key] = id }
        }
        let tagIDLimit = Int(max(tagIDLists.elements.max() ?? 0, tagNames.keys.max() ?? 0, 0)) + 1
        return Snapshot(generation: generation, lengths: lengths, bodyLengths: bodyLengths, order: order, postCount: order.count { $0 >= 0 }, dates: dates,
                        tagIDLists: tagIDLists, tagNames: tagNames, tagIDsByKey: tagIDsByKey,
                        tagIDLimit: tagIDLimit, paths: paths, urls: urls, titles: titles, shownTags: shownTags, authors: authors)
    }

    /// An integer column's value, nil for NULL, text, blobs and reals.
    private static func integer(_ value: DatabaseValue?) -> Int64? {
        guard case let .int64(number)? = value?.storage else { return nil }
        return number
    }

    /// The sum of SQLite varints (big-endian groups of 7 bits, high bit set on
    /// all but the last), and the one at index `kept`.
    private static func sumOfVarints(_ bytes: UnsafeRawBufferPointer, keeping kept: Int) -> (sum: Int, kept: Int) {
        var sum = 0, value = 0, index = 0, keptValue = 0
        for byte in bytes {
            value = value << 7 | Int(byte & 0x7F)
            if byte & 0x80 == 0 {
                sum &+= value  // a damaged blob may overflow: it must not trap
                if index == kept { keptValue = value }
                index += 1
                value = 0
            }
        }
        return (sum, keptValue)
    }
}

/// A list per post id, back to back: post `p`'s elements are
/// `elements[starts[p]..<starts[p + 1]]`. One array for all posts, not one per post.
struct PostLists<Element: Sendable>: Sendable {
    private let starts: [Int32]
    /// Every post's elements, one post after another.
    let elements: [Element]

    /// From the rows of `sql`, `(post_id, …)` in post id order; `element` reads
    /// a row's element, nil to leave the row out. Rows whose post id is not an
    /// integer below `count`, or out of order (a damaged file), are left out.
    init(_ db: Database, sql: String, count: Int, element: (Row) -> Element?) throws {
        var starts = [Int32](repeating: 0, count: count + 1)
        var elements: [Element] = []
        var nextPost = 0
        let rows = try Row.fetchCursor(db, sql: sql)
        while let row = try rows.next() {
            guard case let .int64(id) = (row[0] as DatabaseValue).storage, id >= nextPost, id < count,
                  let value = element(row) else { continue }
            while nextPost < id { nextPost += 1; starts[nextPost] = Int32(elements.count) }
            elements.append(value)
        }
        while nextPost < count { nextPost += 1; starts[nextPost] = Int32(elements.count) }
        (self.starts, self.elements) = (starts, elements)
    }

    subscript(id: Int64) -> ArraySlice<Element> {
        elements[Int(starts[Int(id)])..<Int(starts[Int(id) + 1])]
    }
}

/// The filters of a search, checked against a ``PostTable`` snapshot.
struct PostFilter {
    /// Tag ids a post must have (all of them, or any with `anyTag`); nil: no tag filter.
    private let tagIDs: [Int32]?
    private let anyTag: Bool
    /// The posts the author and language filters admit; nil: no such filter.
    private let onlyIDs: Set<Int64>?
    private let since: String?, until: String?
    private let posts: PostTable.Snapshot

    init(tagKeys: [String], anyTag: Bool, onlyIDs: Set<Int64>?, since: String?, until: String?, posts: PostTable.Snapshot) {
        if tagKeys.isEmpty {
            tagIDs = nil
        } else {
            // A tag no post has: with all tags required nothing matches (-1 is no tag's id).
            let known = Set(tagKeys).map { posts.tagIDsByKey[$0] ?? -1 }
            tagIDs = anyTag ? known.filter { $0 >= 0 } : known
        }
        (self.anyTag, self.onlyIDs, self.since, self.until, self.posts) = (anyTag, onlyIDs, since, until, posts)
    }

    func admits(_ id: Int64) -> Bool {
        guard posts.exists(id) else { return false }
        if let tagIDs {
            let tags = posts.tags(of: id)
            if anyTag ? !tagIDs.contains(where: tags.contains) : !tagIDs.allSatisfy(tags.contains) { return false }
        }
        if let onlyIDs, !onlyIDs.contains(id) { return false }
        if let since, posts.dates[Int(id)] < since { return false }
        if let until, posts.dates[Int(id)] > until { return false }
        return true
    }
}
