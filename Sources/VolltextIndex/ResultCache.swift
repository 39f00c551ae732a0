import Synchronization

/// Recent search results, for the queries a site sees again and again.
///
/// Every entry belongs to one generation of the index (the time of its last
/// update, read in the same way as any search): after a reindex, whether by
/// this process or by `volltext index` in another, no old entry is served.
final class ResultCache: Sendable {
    struct Key: Hashable, Sendable {
        var query: String, tags: [String], anyTag: Bool, author: String?, since: String?, until: String?
        var sort: SearchRequest.Sort, limit: Int, offset: Int, lang: String?

        init(_ request: SearchRequest) {
            (query, tags, anyTag, author) = (request.query, request.tags, request.anyTag, request.author)
            (since, until, sort, limit, offset) = (request.since, request.until, request.sort, request.limit, request.offset)
            lang = request.lang
        }
    }

    private struct State {
        var generation = ""
        var entries: [Key: SearchResults] = [:]
    }

    private let capacity: Int
    private let state = Mutex(State())

    init(capacity: Int = 1024) { self.capacity = capacity }

    func results(for key: Key, generation: String) -> SearchResults? {
        state.withLock { state in state.generation == generation ? state.entries[key] : nil }
    }

    func store(_ results: SearchResults, for key: Key, generation: String) {
        state.withLock { state in
            if state.generation != generation {
                state.generation = generation
                state.entries.removeAll(keepingCapacity: true)
            }
            // Simplest eviction that cannot grow without bound: start over when full.
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = results
        }
    }
}
