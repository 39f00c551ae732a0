import ArgumentParser
import Foundation
import VolltextIndex
import VolltextSite
#if canImport(Glibc)
import Glibc
#endif

/// `volltext index SITE`: builds or updates the search index of a Jekyll site.
struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Index a Jekyll or Hugo site's posts, updating only what changed.",
        discussion: """
            Finds posts in every _posts/ folder of SITE, skips unchanged ones, re-analyses \
            changed ones and removes deleted or unpublished ones, all in one transaction: \
            a server reading the index sees the old index or the new one, never a mix. \
            Posts that cannot be read are listed as path:line: reason, their previous \
            version stays indexed, and the exit status is 65.
            """
    )

    @OptionGroup var index: IndexOptions

    @Flag(help: "Print {\"added\", \"updated\", \"removed\", \"unchanged\", \"rejected\", \"seconds\"} as JSON.")
    var json = false

    @OptionGroup var siteOptions: SiteOptions

    @Flag(help: "Drop the index and index every post anew.")
    var rebuild = false

    @Argument(help: "The site's folder.", completion: .directory)
    var site: String

    func run() throws {
        let report: IndexReport
        let reader = try SiteReader(root: URL(fileURLWithPath: site), options: siteOptions.reader)
        report = try SearchIndex.updating(path: index.path, from: reader, rebuild: rebuild, busyTimeout: index.busyTimeout.value,
                                          progress: progressReporter()).report
        if json {
            printOutput(try jsonString(report))
        } else {
            printOutput(String(format: "Indexed %@ into %@ in %.2f s: %d added, %d updated, %d removed, %d unchanged, %d rejected",
                         printable(site), printable(index.path), report.seconds, report.added, report.updated, report.removed,
                         report.unchanged, report.rejected.count))
        }
        try finishOutput()
        for rejection in report.rejected { printError(rejectionLine(rejection)) }
        if !report.rejected.isEmpty { throw ExitStatus.dataError }
    }

    /// A progress line on a terminal's standard error, redrawn at most every
    /// 1% of the posts; nothing when standard error is a file or pipe.
    private func progressReporter() -> ((Int, Int) -> Void)? {
        guard isatty(2) == 1 else { return nil }
        return { done, total in
            guard total >= 200, done == total || done % max(1, total / 100) == 0 else { return }
            let width = 30
            let filled = width * done / total
            let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
            FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) posts\(done == total ? "\n" : "")".utf8))
        }
    }
}
