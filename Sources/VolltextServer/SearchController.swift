import Foundation
import Hummingbird
import VolltextIndex
import VolltextPresentation

/// The JSON API: thin handlers over ``SearchIndex``. Searches run on
/// ``SearchRunner``'s threads, the tag list and the health check through GRDB's
/// asynchronous reads: no request holds one of Swift's cooperative threads while it waits.
///
/// - `GET /api/search?q=…&tag=…&any_tag=1&author=…&since=…&until=…&sort=…&limit=…&offset=…&lang=…`:
///   the same JSON as `volltext search --json`
/// - `GET /api/tags`: every tag with its post count
/// - `GET /api/health`: status, post count, last index time
///
/// HEAD is answered for each (the router generates it). Bad parameters get
/// 400 with `{"error": "…"}`; nothing here answers 500 or shows SQL or a file
/// path: every failure becomes an ``APIError`` first.
struct SearchController: Sendable {
    let served: ServedIndex
    let runner: SearchRunner

    func addRoutes(to router: Router<VolltextRequestContext>) {
        router.get("/api/search") { request, _ in
            try await APIError.mapping {
                let search = try SearchParameters(request.uri.queryParameters).request
                let index = self.served.current()
                return SearchResultsResponse(results: try await self.runner.run { try index.search(search) })
            }
        }
        router.get("/api/tags") { _, _ in
            try await APIError.mapping { Uncached(TagList(tags: try await self.served.current().allTags())) }
        }
        router.get("/api/health") { _, _ in
            try await APIError.mapping {
                let health = try await self.served.current().health()
                return Uncached(Health(status: "ok", posts: health.posts, lastIndexed: health.lastIndexed))
            }
        }
    }

    struct TagList: ResponseEncodable {
        var tags: [SearchResults.TagCount]
    }

    struct Health: ResponseEncodable {
        var status: String
        var posts: Int
        var lastIndexed: String?

        enum CodingKeys: String, CodingKey {
            case status, posts
            case lastIndexed = "last_indexed"
        }
    }
}

/// `GET /api/search`'s parameters, each checked with an error that names it.
/// (Not `uri.decodeQuery`: `tag` repeats as `tag=a&tag=b`, and its errors
/// would not name the parameter as the API's do.)
struct SearchParameters {
    let request: SearchRequest

    init(_ parameters: Parameters) throws {
        let query = parameters.get("q") ?? ""
        guard query.unicodeScalars.count <= SearchQuery.maxLength else { throw QueryError.tooLong(limit: SearchQuery.maxLength) }
        request = SearchRequest(
            query: query,
            tags: parameters.getAll("tag").filter { !$0.isEmpty },
            anyTag: try Self.flag(parameters, "any_tag"),
            author: Self.text(parameters, "author"),
            since: Self.text(parameters, "since"),
            until: Self.text(parameters, "until"),
            sort: try Self.sort(parameters),
            limit: try Self.integer(parameters, "limit", default: 10),
            offset: try Self.integer(parameters, "offset", default: 0),
            lang: Self.text(parameters, "lang"))
    }

    private static func text(_ parameters: Parameters, _ name: String) -> String? {
        parameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
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

/// Search results as the API sends them: ``SearchResultsJSON``, never cached by the browser.
struct SearchResultsResponse: ResponseGenerator {
    let results: SearchResults

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: SearchResultsJSON.data(results))))
    }
}

/// A JSON answer that changes with every index run: browsers must not keep it.
struct Uncached<Value: ResponseEncodable>: ResponseGenerator {
    let value: Value

    init(_ value: Value) { self.value = value }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try value.response(from: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }
}

/// Every failure of the API as one HTTP answer, `{"error": "…"}`: 400 for the
/// reader's mistakes, 405 for other methods, 503 when the index cannot answer
/// (busy, stopped, damaged). The message never shows SQL or a server path.
struct APIError: HTTPResponseError {
    let status: HTTPResponse.Status
    let message: String
    var headers = HTTPFields()

    init(status: HTTPResponse.Status, message: String, headers: HTTPFields = HTTPFields()) {
        (self.status, self.message, self.headers) = (status, message, headers)
    }

    /// The API's answer for any error a handler meets.
    init(_ error: any Error) {
        switch error {
        case let error as APIError: self = error
        case let error as QueryError where error.isOverload: self.init(status: .serviceUnavailable, message: error.localizedDescription)
        case let error as QueryError: self.init(status: .badRequest, message: error.localizedDescription)
        case is ServerBusy: self.init(status: .serviceUnavailable, message: "too many searches at once: try again in a moment")
        // Index errors name the file; the server's paths are not the reader's business.
        default: self.init(status: .serviceUnavailable, message: "the search is unavailable right now")
        }
    }

    static func mapping<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch {
            throw APIError(error)
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let body = try WireJSON.encoder.encode(["error": message])
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension QueryError {
    /// Not the reader's mistake but the server's limit: 503, not 400.
    var isOverload: Bool {
        if case .tooExpensive = self { true } else { false }
    }
}
