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
            var last = Self.fingerprint(of: site)
            while !Task.isCancelled {
                try await Task.sleep(for: interval)
                let current = Self.fingerprint(of: site)
                guard current != last else { continue }
                last = current
                await reindex()
            }
        }
    }

    /// Runs the reindex off Swift's cooperative threads, which serve requests.
    private func reindex() async {
        let (index, site, options, logger) = (index, site, options, logger)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
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
                } catch {
                    logger.error("reindex failed", metadata: ["volltext.error": "\(error.localizedDescription)"])
                }
                continuation.resume()
            }
        }
    }

    /// Paths, sizes and modification times of the site's Markdown files and config.
    static func fingerprint(of site: URL) -> [String: String] {
        var fingerprint: [String: String] = [:]
        let keys: Set<URLResourceKey> = [.fileSizeKey, .contentModificationDateKey]
        guard let walker = FileManager.default.enumerator(at: site, includingPropertiesForKeys: Array(keys),
                                                           options: [.skipsHiddenFiles]) else { return [:] }
        for case let url as URL in walker {
            if url.lastPathComponent == "_site" { walker.skipDescendants(); continue }
            let pathExtension = url.pathExtension.lowercased()
            guard SiteReader.markdownExtensions.contains(pathExtension) || pathExtension == "yml",
                  let values = try? url.resourceValues(forKeys: keys) else { continue }
            fingerprint[url.path] = "\(values.fileSize ?? 0) \(values.contentModificationDate?.timeIntervalSince1970 ?? 0)"
        }
        return fingerprint
    }
}
