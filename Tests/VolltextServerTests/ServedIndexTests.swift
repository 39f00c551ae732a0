import Foundation
import Logging
import Testing
import VolltextIndex
@testable import VolltextServer
import VolltextSite
import VolltextTestSupport

@Suite struct IndexFileSwap {
    /// A new index renamed over the served file is picked up while searches
    /// run, and none of them fails.
    @Test func aRenamedIndexIsServedWithoutAFailedSearch() async throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-a.md", TemporarySite.post(body: "Offene Daten der Stadt."))
        _ = try SearchIndex(path: site.indexPath, create: true).update(from: SiteReader(root: site.root))  // a batch job, done
        let live = try SearchIndex(path: site.indexPath)
        try live.prepareForSearch()
        let served = ServedIndex(live, logger: Logger(label: "test")) { path in try SearchIndex(path: path) }

        try site.write("_posts/2020-01-02-b.md", TemporarySite.post(body: "Kakapovogel im Park."))
        let next = site.root.path + ".next.sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: next + suffix) } }
        _ = try SearchIndex(path: next, create: true).update(from: SiteReader(root: site.root))

        let failures = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var failed = 0
                    for _ in 0..<300 {
                        do { _ = try served.current().search(SearchRequest(query: "offene Daten")) } catch { failed += 1 }
                    }
                    return failed
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(5))
                #expect(rename(next, site.indexPath) == 0)
                return 0
            }
            return try await group.reduce(0, +)
        }
        #expect(failures == 0)
        #expect(try await served.current().search(SearchRequest(query: "Kakapovogel")).total == 1)
    }
}
