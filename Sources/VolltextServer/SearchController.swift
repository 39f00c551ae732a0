import Foundation
import Hummingbird
import VolltextIndex
import VolltextPresentation

/// The JSON API: thin handlers over ``SearchIndex``.
///
/// - `GET /api/search?q=…&tag=…&any_tag=1&author=…&since=…&until=…&sort=…&limit=…&offset=…&lang=…`:
///   the same JSON as `volltext search --json`
/// - `GET /api/tags`: every tag with its post count
/// - `GET /api/health`: status, post count, last index time
///
/// Bad parameters get 400 with `{"error": "…"}`; nothing here answers 500
/// or shows SQL: ``APIError/response(for:)`` maps every error once.
struct SearchController: Sendable {
    let served: ServedIndex
    let runner: SearchRunner

    func addRoutes(to router: Router<BasicRequestContext>) {
        router.getAndHead("/api/search") { request, _ in
            do {
                let search = try self.request(from: request.uri.queryParameters)
                let index = self.served.current()
                let json = try await self.runner.run { SearchResultsJSON.data(try index.search(search)) }
                var headers = HTTPFields()
                headers[.contentType] = "application/json; charset=utf-8"
                headers[.cacheControl] = "no-store"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: json)))
            } catch {
                return APIError.response(for: error)
            }
        }
        router.getAndHead("/api/tags") { _, _ in
            APIError.respond { try JSONResponse(["tags": self.served.current().allTags()]) }
        }
        router.getAndHead("/api/health") { _, _ in
            APIError.respond {
                let statistics = try self.served.current().statistics()
                return try JSONResponse(Health(status: "ok", posts: statistics.posts, lastIndexed: statistics.lastIndexed))
            }
        }
    }

    struct Health: Encodable {
        var status: String
        var posts: Int
        var lastIndexed: String?

        enum CodingKeys: String, CodingKey {
            case status, posts
            case lastIndexed = "last_indexed"
        }
    }

    private func request(from parameters: Parameters) throws -> SearchRequest {
        let query = parameters.get("q") ?? ""
        guard query.unicodeScalars.count <= SearchQuery.maxLength else { throw QueryError.tooLong(limit: SearchQuery.maxLength) }
        return SearchRequest(
            query: query,
            tags: parameters.getAll("tag").filter { !$0.isEmpty },
            anyTag: try Self.flag(parameters, "any_tag"),
            author: parameters.get("author").flatMap { $0.isEmpty ? nil : $0 },
            since: parameters.get("since").flatMap { $0.isEmpty ? nil : $0 },
            until: parameters.get("until").flatMap { $0.isEmpty ? nil : $0 },
            sort: try Self.sort(parameters),
            limit: try Self.integer(parameters, "limit", default: 10),
            offset: try Self.integer(parameters, "offset", default: 0),
            lang: parameters.get("lang").flatMap { $0.isEmpty ? nil : $0 })
    }

    private static func integer(_ parameters: Parameters, _ name: String, default value: Int) throws -> Int {
        guard let text = parameters.get(name), !text.isEmpty else { return value }
        guard let number = Int(text) else {
            throw QueryError.invalidParameter(name: name, value: String(text.prefix(40)), expected: "a whole number")
        }
        return number
    }

    private static func flag(_ parameters: Parameters, _ name: String) throws -> Bool {
        switch parameters.get(name)?.lowercased() {
        case nil, "", "0", "false", "no": return false
        case "1", "true", "yes": return true
        case let value?: throw QueryError.invalidParameter(name: name, value: String(value.prefix(40)), expected: "1 or 0")
        }
    }

    private static func sort(_ parameters: Parameters) throws -> SearchRequest.Sort {
        guard let text = parameters.get("sort"), !text.isEmpty else { return .relevance }
        guard let sort = SearchRequest.Sort(rawValue: text) else {
            throw QueryError.invalidParameter(name: "sort", value: String(text.prefix(40)), expected: "relevance or date")
        }
        return sort
    }
}

/// A JSON response with the encoding the CLI uses.
func JSONResponse(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
    let encoder = WireJSON.encoder
    var headers = HTTPFields()
    headers[.contentType] = "application/json; charset=utf-8"
    headers[.cacheControl] = "no-store"
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
}

extension QueryError {
    /// Not the reader's mistake but the server's limit: 503, not 400.
    var isOverload: Bool {
        if case .tooExpensive = self { true } else { false }
    }
}

/// The one place where errors become HTTP responses.
enum APIError {
    static func respond(_ body: () throws -> Response) -> Response {
        do {
            return try body()
        } catch {
            return response(for: error)
        }
    }

    /// 400 for the user's mistakes, 503 when the index cannot be read; the
    /// message is the error's own one-line description, never SQL.
    static func response(for error: any Error) -> Response {
        // Index errors name the file; the server's paths are not the reader's business.
        let (status, message): (HTTPResponse.Status, String) = switch error {
        case let error as QueryError where error.isOverload: (.serviceUnavailable, error.localizedDescription)
        case let error as QueryError: (.badRequest, error.localizedDescription)
        case is ServerBusy: (.serviceUnavailable, "too many searches at once: try again in a moment")
        default: (.serviceUnavailable, "the search is unavailable right now")
        }
        return (try? JSONResponse(["error": message], status: status))
            ?? Response(status: status, body: .init(byteBuffer: ByteBuffer(string: "{\"error\": \"unavailable\"}")))
    }
}
