import ArgumentParser
import Foundation
import Hummingbird
import Logging
import VolltextIndex
import VolltextServer
import VolltextSite

/// `volltext serve`: the site-search HTTP backend and search page.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the JSON search API and a search page.",
        discussion: """
            GET /api/search?q=… answers like `volltext search --json`; /api/tags lists tags; \
            /api/health reports status; / is a search page. With --site the site is indexed \
            (incrementally) first; with --watch it is re-indexed when posts change. A reindex \
            by another process (`volltext index`) is seen by the next request. SIGINT or \
            SIGTERM stops the server gracefully.
            """
    )

    @OptionGroup var index: IndexOptions

    @Option(help: ArgumentHelp("Index this Jekyll or Hugo site before serving.", valueName: "dir"), completion: .directory)
    var site: String?

    @Flag(help: "With --site: re-index when posts change (polling).")
    var watch = false

    @Option(help: ArgumentHelp("Seconds between checks for --watch.", valueName: "seconds"))
    var watchInterval = Seconds(2)

    @OptionGroup var siteOptions: SiteOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Flag(inversion: .prefixedNo, help: "Keep recent results until the index changes.")
    var resultCache = true

    @Option(help: ArgumentHelp("Seconds a connection may send nothing before it is closed.", valueName: "seconds"))
    var idleTimeout = Seconds(30)

    @Option(help: "Open connections at most.")
    var maxConnections = 1_024

    @Option(help: ArgumentHelp("Seconds one search may run before it is stopped (503).", valueName: "seconds"))
    var searchTimeout = Seconds(0.5)

    @Flag(help: "Write each request's query string (readers' search terms) to the access log.")
    var logQueries = false

    @Option(name: .customLong("cors-origin"), help: ArgumentHelp(
        "An origin whose pages may call the API, e.g. https://blog.example.org (repeatable).", valueName: "origin"))
    var corsOrigins: [String] = []

    func validate() throws {
        if watch && site == nil { throw ValidationError("--watch needs --site DIR") }
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1 to 65535") }
        try (Seconds(0.1)...Seconds(86_400)).check(watchInterval, option: "watch-interval")
        try (Seconds(1)...Seconds(3_600)).check(idleTimeout, option: "idle-timeout")
        guard (1...100_000).contains(maxConnections) else { throw ValidationError("--max-connections must be 1 to 100000") }
        try (Seconds(0.01)...Seconds(60)).check(searchTimeout, option: "search-timeout")
    }

    func run() async throws {
        var logger = Logger(label: "volltext")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        var options = ServerOptions()
        options.host = host
        options.port = port
        options.corsOrigins = corsOrigins
        options.siteOptions = siteOptions.reader
        options.watch = watch
        options.watchInterval = watchInterval.duration
        options.idleTimeout = idleTimeout.duration
        options.maxConnections = maxConnections
        options.logQueries = logQueries
        let searchTimeLimit = searchTimeout.duration
        let searchIndex: SearchIndex
        if let site {
            let root = URL(fileURLWithPath: site)
            options.site = root
            let report: IndexReport
            (searchIndex, report) = try SearchIndex.updating(
                path: index.path, from: SiteReader(root: root, options: options.siteOptions), cachesResults: resultCache,
                busyTimeout: index.busyTimeout.value, searchTimeLimit: searchTimeLimit)
            logger.info("indexed", metadata: [
                "volltext.site": "\(site)", "volltext.added": "\(report.added)", "volltext.updated": "\(report.updated)",
                "volltext.removed": "\(report.removed)", "volltext.unchanged": "\(report.unchanged)",
                "volltext.rejected": "\(report.rejected.count)",
            ])
            for rejection in report.rejected { printError(rejectionLine(rejection)) }
        } else {
            searchIndex = try SearchIndex(path: index.path, cachesResults: resultCache, searchTimeLimit: searchTimeLimit)
        }
        try searchIndex.prepareForSearch()
        let app = try buildApplication(index: searchIndex, options: options, logger: logger)
        logger.info("serving", metadata: ["volltext.url": "http://\(host):\(port)/", "volltext.index": "\(index.path)"])
        try await app.runService()
    }
}
