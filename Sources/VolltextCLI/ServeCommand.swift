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
    var watchInterval = 2.0

    @OptionGroup var siteOptions: SiteOptions

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 8080

    @Flag(help: "Do not keep recent results (they are kept until the index changes).")
    var noResultCache = false

    @Option(help: ArgumentHelp("Seconds a connection may send nothing before it is closed.", valueName: "seconds"))
    var idleTimeout = 30.0

    @Option(help: "Open connections at most.")
    var maxConnections = 1_024

    @Option(help: ArgumentHelp("Seconds one search may run before it is stopped (503).", valueName: "seconds"))
    var searchTimeout = 0.5

    @Flag(help: "Write each request's query string (readers' search terms) to the access log.")
    var logQueries = false

    @Option(name: .customLong("cors-origin"), help: ArgumentHelp(
        "An origin whose pages may call the API, e.g. https://blog.example.org (repeatable).", valueName: "origin"))
    var corsOrigins: [String] = []

    func validate() throws {
        if watch && site == nil { throw ValidationError("--watch needs --site DIR") }
        guard (1...65535).contains(port) else { throw ValidationError("--port must be 1 to 65535") }
        guard watchInterval.isFinite, (0.1...86_400).contains(watchInterval) else {
            throw ValidationError("--watch-interval must be 0.1 to 86400 seconds")
        }
        guard idleTimeout.isFinite, (1...3_600).contains(idleTimeout) else {
            throw ValidationError("--idle-timeout must be 1 to 3600 seconds")
        }
        guard (1...100_000).contains(maxConnections) else { throw ValidationError("--max-connections must be 1 to 100000") }
        guard searchTimeout.isFinite, (0.01...60).contains(searchTimeout) else {
            throw ValidationError("--search-timeout must be 0.01 to 60 seconds")
        }
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
        options.watchInterval = .milliseconds(Int(watchInterval * 1000))
        options.idleTimeout = .milliseconds(Int(idleTimeout * 1000))
        options.maxConnections = maxConnections
        options.logQueries = logQueries
        let searchTimeLimit = Duration.milliseconds(Int(searchTimeout * 1000))
        let searchIndex: SearchIndex
        if let site {
            let root = URL(fileURLWithPath: site)
            options.site = root
            searchIndex = try SearchIndex(path: index.path, create: true, cachesResults: !noResultCache,
                                          busyTimeout: index.busyTimeout, searchTimeLimit: searchTimeLimit)
            let report = try searchIndex.update(from: SiteReader(root: root, options: options.siteOptions))
            logger.info("indexed", metadata: [
                "volltext.site": "\(site)", "volltext.added": "\(report.added)", "volltext.updated": "\(report.updated)",
                "volltext.removed": "\(report.removed)", "volltext.unchanged": "\(report.unchanged)",
                "volltext.rejected": "\(report.rejected.count)",
            ])
            for rejection in report.rejected { printError(rejectionLine(rejection)) }
        } else {
            searchIndex = try SearchIndex(path: index.path, cachesResults: !noResultCache, searchTimeLimit: searchTimeLimit)
        }
        try searchIndex.prepareForSearch()
        let app = try buildApplication(index: searchIndex, options: options, logger: logger)
        logger.info("serving", metadata: ["volltext.url": "http://\(host):\(port)/", "volltext.index": "\(index.path)"])
        try await app.runService()
    }
}
