import ArgumentParser
import Foundation
import VolltextIndex

/// `volltext stats`: what the index holds.
struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Show posts, tags, authors, date range, size and last index time."
    )

    @OptionGroup var index: IndexOptions

    @Flag(help: "Print {\"posts\", \"tags\", …} as JSON.")
    var json = false

    func run() throws {
        let statistics: IndexStatistics
        statistics = try SearchIndex(path: index.path).statistics()
        if json {
            printOutput(try jsonString(statistics))
            try finishOutput()
            return
        }
        let rows: [(String, String)] = [
            ("index", index.path),
            ("site", statistics.site ?? "–"),
            ("posts", String(statistics.posts)),
            ("tags", String(statistics.tags)),
            ("authors", String(statistics.authors)),
            ("dates", "\(statistics.firstDate ?? "–") … \(statistics.lastDate ?? "–")"),
            ("size", ByteCountFormatter.string(fromByteCount: Int64(statistics.databaseBytes), countStyle: .file)),
            ("last indexed", statistics.lastIndexed ?? "never"),
        ]
        for (name, value) in rows { printOutput(name.padding(toLength: 13, withPad: " ", startingAt: 0) + value) }
        try finishOutput()
    }
}
