import Foundation
import HTTPTypes
import Hummingbird

/// Only GET, HEAD and OPTIONS: the API only reads.
struct ReadOnlyMethodsMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        switch request.method {
        case .get, .head, .options:
            return try await next(request, context)
        default:
            throw APIError(status: .methodNotAllowed, message: "method \(request.method.rawValue) not allowed: use GET",
                           headers: [.allow: "GET, HEAD, OPTIONS"])
        }
    }
}

/// CORS for the configured origins only: a page on another site may call the
/// API if, and only if, its origin was named with `--cors-origin`.
struct AllowedOriginsMiddleware<Context: RequestContext>: RouterMiddleware {
    let origins: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains(origin) || origins.contains("*") else {
            return try await next(request, context)
        }
        if request.method == .options {
            var response = Response(status: .noContent)
            add(origin, to: &response)
            response.headers[.accessControlAllowMethods] = "GET, HEAD, OPTIONS"
            response.headers[.accessControlAllowHeaders] = "Accept, Content-Type"
            response.headers[.accessControlMaxAge] = "600"
            return response
        }
        var response = try await next(request, context)
        add(origin, to: &response)
        return response
    }

    private func add(_ origin: String, to response: inout Response) {
        response.headers[.accessControlAllowOrigin] = origins.contains("*") ? "*" : origin
        response.headers[.vary] = "Origin"
    }
}

/// Headers that keep the search page from being framed or running foreign script.
/// Innermost, it also renders handlers' ``APIError``s, so that every answer gets them.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        if response.headers[.contentType]?.hasPrefix("text/html") == true {
            response.headers[.contentSecurityPolicy] =
                "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
                + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
            response.headers[.xFrameOptions] = "DENY"
        }
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
}

/// One access-log line per request: method, path, status and time. The query
/// string (what readers searched for) is left out unless `includeQuery`:
/// search terms are readers' data, and a long one would make a long line.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let includeQuery: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            log(request, status: error.status, since: start, context: context)
            throw error
        }
        log(request, status: response.status, since: start, context: context)
        return response
    }

    private func log(_ request: Request, status: HTTPResponse.Status, since start: ContinuousClock.Instant, context: Context) {
        let elapsed = ContinuousClock.now - start
        var uri = request.uri.path
        if includeQuery, let query = request.uri.query { uri += "?" + String(query.prefix(1_024)) }
        context.logger.info("request", metadata: [
            "hb.request.method": "\(request.method.rawValue)", "hb.request.path": "\(uri)",
            "hb.response.status": "\(status.code)",
            "volltext.ms": "\(Self.milliseconds(elapsed))",
        ])
    }

    /// `12.34`: milliseconds to two places, without Foundation's `String(format:)`,
    /// which cost as much as the rest of the line.
    static func milliseconds(_ duration: Duration) -> String {
        let hundredths = duration.components.seconds * 100_000 + (duration.components.attoseconds + 5_000_000_000_000) / 10_000_000_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

/// An error as the server's log shows it, for the operator: typed index errors
/// by case and file (`corrupt(path: "/srv/index.sqlite")`), others by their description.
func logText(_ error: any Error) -> String {
    if let error = error as? LocalizedError, let description = error.errorDescription { return description }
    return String(describing: error)
}
