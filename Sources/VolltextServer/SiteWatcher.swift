import Foundation
import Logging
import ServiceLifecycle
import VolltextIndex
import VolltextSite

/// `--watch`: polls the site's post files and re-indexes when one changed,
/// was added or was removed. The reindex is one transaction on its own
/// thread, so searches go on answering from the old index until it commits.
struct SiteWatcher: Service {
    let index: SearchIndex
    let site: URL
    let options: SiteReader.Options
    let interval: Duration
    let logger: Logger

    func run() async throws {
        // Shutting down cancels the loop; that is a normal end, not an error.
        try? await cancelWhenGracefulShutdown {
            var indexed = fingerprint()
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                let current = fingerprint()
                guard current != indexed else { continue }
                // The state counts as indexed only once a run succeeded: a failed run
                // (another writer held the index too long, say) is tried again next time.
                if await reindex() { indexed = current }
            }
        }
    }

    /// Runs the reindex off Swift's cooperative threads, which serve requests; true if it succeeded.
    private func reindex() async -> Bool {
        let (index, site, options, logger) = (index, site, options, logger)
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            DispatchQueue.global(qos: .utility).async {
                do {
                    var siteOptions = options
                    siteOptions.now = Date()
                    let report = try index.update(from: SiteReader(root: site, options: siteOptions))
                    try index.prepareForSearch()
                    logger.info("reindexed", metadata: [
                        "volltext.added": "\(report.added)", "volltext.updated": "\(report.updated)",
                        "volltext.removed": "\(report.removed)", "volltext.rejected": "\(report.rejected.count)",
                        "volltext.seconds": "\(String(format: "%.2f", report.seconds))",
                    ])
                    for rejection in report.rejected {
                        logger.warning("post rejected", metadata: [
                            "volltext.path": "\(rejection.path)", "volltext.line": "\(rejection.line.map(String.init) ?? "-")",
                            "volltext.reason": "\(rejection.reason)",
                        ])
                    }
                    continuation.resume(returning: true)
                } catch {
                    logger.error("reindex failed; trying again", metadata: ["volltext.error": "\(logText(error))"])
                    continuation.resume(returning: false)
                }
            }
        }
    }

    /// Sizes and modification times of the files the site reader reads (the
    /// same walk as indexing, so ignored folders are never polled).
    func fingerprint() -> [String: String] {
        var siteOptions = options
        siteOptions.drafts = true  // a draft turning into a post is a change too
        guard let files = try? SiteReader(root: site, options: siteOptions).watchedFiles() else { return [:] }
        var fingerprint: [String: String] = [:]
        let keys: Set<URLResourceKey> = [.fileSizeKey, .contentModificationDateKey]
        for path in files {
            guard let values = try? site.appendingPathComponent(path).resourceValues(forKeys: keys) else { continue }
            fingerprint[path] = "\(values.fileSize ?? 0) \(values.contentModificationDate?.timeIntervalSince1970 ?? 0)"
        }
        return fingerprint
    }
}
