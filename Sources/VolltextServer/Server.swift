import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import VolltextIndex
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

    public init() {}
}

/// The application `volltext serve` runs and the tests drive: the API, the
/// search page, and (with `--watch`) the site watcher. The one place that
/// wires middleware, in order: access log, methods, CORS, security headers.
public func buildApplication(index: SearchIndex, options: ServerOptions, logger: Logger) throws -> some ApplicationProtocol {
    let router = Router()
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: ReadOnlyMethodsMiddleware())
    if !options.corsOrigins.isEmpty { router.add(middleware: AllowedOriginsMiddleware(origins: Set(options.corsOrigins))) }
    router.add(middleware: SecurityHeadersMiddleware())
    let cachesResults = index.cachesResults
    let served = ServedIndex(index, logger: logger) { path in try SearchIndex(path: path, cachesResults: cachesResults) }
    SearchController(served: served).addRoutes(to: router)
    try PageController().addRoutes(to: router)

    var services: [any Service] = []
    if options.watch, let site = options.site {
        services.append(SiteWatcher(index: index, site: site, options: options.siteOptions,
                                    interval: options.watchInterval, logger: logger))
    }
    return Application(
        router: router,
        configuration: .init(address: .hostname(options.host, port: options.port), serverName: "Volltext"),
        services: services,
        logger: logger)
}
