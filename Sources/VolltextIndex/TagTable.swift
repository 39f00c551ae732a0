import GRDB
import Synchronization

/// Every post's tags, held in memory for facet counts: counting tags over tens
/// of thousands of matches through the post_tag table costs a B-tree seek per
/// match, while counting here is an array walk.
///
/// It is loaded once per index generation, inside the same read transaction as
/// the search that needs it, so counts always describe the index being searched.
final class TagTable: Sendable {
    private struct Snapshot: Sendable {
        var generation: String
        /// Tag ids of each post, indexed by post id.
        var tagsByPost: [[Int32]]
        var names: [Int32: String]
    }

    private let snapshot = Mutex<Snapshot?>(nil)

    /// Tag counts over `postIDs`, most frequent first, then by name; at most `limit`.
    func counts(for postIDs: [Int64], generation: String, db: Database, limit: Int) throws -> [SearchResults.TagCount] {
        let current = try loaded(generation: generation, db: db)
        var counts: [Int32: Int] = [:]
        for id in postIDs where id >= 0 && id < current.tagsByPost.count {
            for tag in current.tagsByPost[Int(id)] { counts[tag, default: 0] += 1 }
        }
        return counts.map { SearchResults.TagCount(tag: current.names[$0.key] ?? "", count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.tag < $1.tag }
            .prefix(limit).map { $0 }
    }

    private func loaded(generation: String, db: Database) throws -> Snapshot {
        if let current = snapshot.withLock({ $0 }), current.generation == generation { return current }
        let maxID = try Int64.fetchOne(db, sql: "SELECT max(id) FROM post") ?? 0
        var tagsByPost = [[Int32]](repeating: [], count: Int(maxID) + 1)
        let rows = try Row.fetchCursor(db, sql: "SELECT post_id, tag_id FROM post_tag")
        while let row = try rows.next() {
            let post: Int64 = row[0]
            if post >= 0 && post <= maxID { tagsByPost[Int(post)].append(row[1]) }
        }
        var names: [Int32: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT id, name FROM tag") { names[row[0]] = row[1] }
        let fresh = Snapshot(generation: generation, tagsByPost: tagsByPost, names: names)
        snapshot.withLock { $0 = fresh }
        return fresh
    }
}
