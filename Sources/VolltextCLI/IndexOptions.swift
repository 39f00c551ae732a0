import ArgumentParser
import Foundation
import VolltextIndex
import VolltextPresentation

/// `--db`, shared by every command that reads or writes the index.
struct IndexOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The index file.", discussion: "Default: $VOLLTEXT_DB, else volltext.sqlite in the current folder.",
        valueName: "file"))
    var db: String?

    @Option(help: ArgumentHelp(
        "Seconds to wait for another index run writing the same file.", valueName: "seconds"))
    var busyTimeout = Seconds(SearchIndex.defaultBusyTimeout)

    func validate() throws {
        try (Seconds(0)...Seconds(86_400)).check(busyTimeout, option: "busy-timeout")
    }

    /// The path in effect.
    var path: String {
        db ?? ProcessInfo.processInfo.environment["VOLLTEXT_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "volltext.sqlite"
    }
}

/// JSON as the commands print it: stable key order, no escaped slashes.
func jsonString(_ value: some Encodable) throws -> String {
    try WireJSON.string(value)
}

/// `path:line: reason` for a rejected post, safe to print on a terminal.
func rejectionLine(_ rejection: IndexReport.Rejection) -> String {
    let location = printable(rejection.path) + (rejection.line.map { ":\($0)" } ?? "")
    return location + ": " + printable(rejection.reason)
}
