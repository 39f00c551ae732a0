import Foundation
import Testing
@testable import VolltextIndex
import VolltextSite
import VolltextTestSupport

/// The relevance set: queries over okfn-de with judged posts.
private struct Judgments: Decodable {
    struct Query: Decodable {
        var category: String
        var query: String
        var tags: [String]
        var relevant: [String: Int]
    }
    var queries: [Query]

    static func load() throws -> Judgments {
        let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Relevance/okfn-de.json")
        return try JSONDecoder().decode(Judgments.self, from: Data(contentsOf: file))
    }
}

/// nDCG@10 and Success@1 of one ranked list.
private func metrics(ranked: [String], judged: [String: Int]) -> (ndcg: Double, success: Double) {
    func gain(_ grade: Int) -> Double { pow(2, Double(grade)) - 1 }
    let dcg = ranked.prefix(10).enumerated().reduce(0.0) { $0 + gain(judged[$1.element] ?? 0) / log2(Double($1.offset) + 2) }
    let ideal = judged.values.sorted(by: >).prefix(10).enumerated().reduce(0.0) { $0 + gain($1.element) / log2(Double($1.offset) + 2) }
    return (ideal > 0 ? dcg / ideal : 0, (ranked.first.flatMap { judged[$0] } ?? 0) > 0 ? 1 : 0)
}

@Suite(.enabled(if: SharedData.isUsable, Comment(rawValue: SharedData.skipMessage)))
struct Relevance {
    /// Volltext against SQLite's `unicode61 remove_diacritics 2` on the same posts,
    /// through the same query parser: only the analysis differs.
    @Test func volltextIsClearlyAheadOfUnicode61InEveryCategory() throws {
        let judgments = try Judgments.load()
        let root = try SharedData.url("corpus/okfn-de")
        var report: [String: [(german: (ndcg: Double, success: Double), reference: (ndcg: Double, success: Double))]] = [:]
        var perQuery: [String] = []
        var indexes: [SearchIndex.Tokenizer: SearchIndex] = [:]
        for tokenizer in [SearchIndex.Tokenizer.german, .unicode61] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("relevance-\(UUID()).sqlite").path
            let index = try SearchIndex(path: path, create: true, tokenizer: tokenizer)
            _ = try index.update(from: SiteReader(root: root))
            indexes[tokenizer] = index
        }
        defer {
            for index in indexes.values { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: index.path + suffix) } }
        }
        for query in judgments.queries {
            func run(_ tokenizer: SearchIndex.Tokenizer) throws -> (ndcg: Double, success: Double) {
                let results = try indexes[tokenizer]!.search(SearchRequest(query: query.query, tags: query.tags, limit: 10))
                return metrics(ranked: results.hits.map(\.path), judged: query.relevant)
            }
            let german = try run(.german), reference = try run(.unicode61)
            report[query.category, default: []].append((german, reference))
            perQuery.append(String(format: "%-11@ %-42@ %.2f  %.2f", query.category, query.query, german.ndcg, reference.ndcg))
        }

        func mean(_ values: [Double]) -> Double { values.reduce(0, +) / Double(max(values.count, 1)) }
        var lines = ["category     queries  nDCG@10 volltext / unicode61   Success@1 volltext / unicode61"]
        var all: [(german: (ndcg: Double, success: Double), reference: (ndcg: Double, success: Double))] = []
        for (category, rows) in report.sorted(by: { $0.key < $1.key }) {
            all += rows
            let line = String(format: "%-12@ %7d  %8.3f / %-8.3f          %8.3f / %-8.3f", category, rows.count,
                              mean(rows.map(\.german.ndcg)), mean(rows.map(\.reference.ndcg)),
                              mean(rows.map(\.german.success)), mean(rows.map(\.reference.success)))
            lines.append(line)
            // Every category must work: most of its queries find a relevant post first.
            #expect(mean(rows.map(\.german.success)) >= 0.5, "\(line)")
            #expect(mean(rows.map(\.german.ndcg)) >= mean(rows.map(\.reference.ndcg)) - 0.02, "\(line)")
        }
        let germanNDCG = mean(all.map(\.german.ndcg)), referenceNDCG = mean(all.map(\.reference.ndcg))
        lines.append(String(format: "%-12@ %7d  %8.3f / %-8.3f          %8.3f / %-8.3f", "all", all.count, germanNDCG, referenceNDCG,
                            mean(all.map(\.german.success)), mean(all.map(\.reference.success))))
        print((lines + [""] + perQuery).joined(separator: "\n"))
        #expect(germanNDCG >= referenceNDCG + 0.1, "Volltext \(germanNDCG) vs unicode61 \(referenceNDCG)")
    }
}
