import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import ServiceLifecycle
import VolltextIndex
import VolltextPresentation
import VolltextSite

/// How `volltext serve` runs.
public struct ServerOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// Origins allowed to call the API from their pages (CORS); "*" for any.
    public var corsOrigins: [String] = []
    /// With `watch`, the site to re-index when its posts change.
    public var site: URL?
    public var siteOptions = SiteReader.Options()
    public var watch = false
    public var watchInterval: Duration = .seconds(2)
    /// A connection that sends nothing for this long (a half-sent request, an idle keep-alive) is closed.
    public var idleTimeout: Duration = .seconds(30)
    /// Open connections at most; further ones wait in the listen backlog.
    public var maxConnections = 1_024
    /// Searches running at once; more wait for a place, at most a second.
    public var concurrentSearches = max(2, ProcessInfo.processInfo.activeProcessorCount * 2)
    /// Log each request's query string too (off: search terms are readers' data).
    public var logQueries = false

    public init() {}
}

/// Hummingbird's basic context, with JSON written as everywhere in Volltext
/// (``WireJSON``: keys sorted, slashes unescaped).
public struct VolltextRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    public var responseEncoder: JSONEncoder { WireJSON.encoder }
}

/// The application `volltext serve` runs and the tests drive: the API, the
/// search page, and (with `--watch`) the site watcher. The one place that
/// wires middleware, in order: access log, methods, CORS, security headers.
public func buildApplication(index: SearchIndex, options: ServerOptions, logger: Logger) throws -> some ApplicationProtocol {
    let router = Router(context: VolltextRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: AccessLogMiddleware(includeQuery: options.logQueries))
    router.add(middleware: ReadOnlyMethodsMiddleware())
    if !options.corsOrigins.isEmpty { router.add(middleware: AllowedOriginsMiddleware(origins: Set(options.corsOrigins))) }
    router.add(middleware: SecurityHeadersMiddleware())
    let (cachesResults, searchTimeLimit) = (index.cachesResults, index.searchTimeLimit)
    let served = ServedIndex(index, logger: logger) { path in
        try SearchIndex(path: path, cachesResults: cachesResults, searchTimeLimit: searchTimeLimit)
    }
    // One reader connection stays free of searches for the health check and the tag list.
    let runner = SearchRunner(limit: min(options.concurrentSearches, SearchIndex.readerCount - 1))
    SearchController(served: served, runner: runner).addRoutes(to: router)
    try PageController().addRoutes(to: router)

    var services: [any Service] = []
    if options.watch, let site = options.site {
        services.append(SiteWatcher(index: index, site: site, options: options.siteOptions,
                                    interval: options.watchInterval, logger: logger))
    }
    return Application(
        router: router,
        server: .http1(configuration: .init(idleTimeout: .nanoseconds(options.idleTimeout.nanoseconds))),
        configuration: .init(address: .hostname(options.host, port: options.port), serverName: "Volltext",
                             availableConnectionsDelegate: MaximumAvailableConnections(options.maxConnections)),
        services: services,
        logger: logger)
}

extension Duration {
    /// Whole nanoseconds, for the NIO and Dispatch timers that take them.
    var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}
