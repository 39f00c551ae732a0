import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VolltextIndex
import VolltextServer
import VolltextSite
import VolltextTestSupport

/// A small site, indexed, and the application over it.
private func makeApp(corsOrigins: [String] = []) throws -> (app: some ApplicationProtocol, site: TemporarySite, index: SearchIndex) {
    let site = try TemporarySite()
    try site.write("_posts/2024-01-08-haushalt.md", TemporarySite.post(
        title: "Der Haushalt liegt offen", tags: "[Haushalt, Offene Daten]", extra: "author: Mara Öztürk",
        body: "Die Stadt veröffentlicht den Haushalt als offene Daten. Bürgerbeteiligung ist erwünscht."))
    try site.write("_posts/2024-02-05-portal.md", TemporarySite.post(
        title: "Open-Data-Portal", tags: "[Offene Daten]", body: "Das Portal der Verwaltungen startet mit 48 Datensätzen."))
    let index = try SearchIndex(path: site.indexPath, create: true)
    _ = try index.update(from: SiteReader(root: site.root))
    var options = ServerOptions()
    options.corsOrigins = corsOrigins
    return (try buildApplication(index: index, options: options, logger: Logger(label: "test")), site, index)
}

private func json(_ buffer: ByteBuffer) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
}

@Suite struct APITests {
    @Test func searchAnswersLikeTheCLI() async throws {
        let (app, _, index) = try makeApp()
        let expected = try await index.search(SearchRequest(query: "Buergerbeteiligung", tags: ["offene daten"]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/search?q=Buergerbeteiligung&tag=offene%20daten", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let decoded = try JSONDecoder().decode(SearchResultsShape.self, from: Data(response.body.readableBytesView))
                #expect(decoded.total == expected.total)
                #expect(decoded.hits.map(\.path) == expected.hits.map(\.path))
                #expect(decoded.hits.first?.snippet.contains("<mark>Bürgerbeteiligung</mark>") == true)
            }
        }
    }

    @Test func tagsAndHealth() async throws {
        let (app, _, _) = try makeApp()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/tags", method: .get) { response in
                let tags = try #require(try json(response.body)["tags"] as? [[String: Any]])
                #expect(tags.first?["tag"] as? String == "Offene Daten")
                #expect(tags.first?["count"] as? Int == 2)
            }
            try await client.execute(uri: "/api/health", method: .get) { response in
                let health = try json(response.body)
                #expect(health["status"] as? String == "ok")
                #expect(health["posts"] as? Int == 2)
                #expect(health["last_indexed"] is String)
            }
        }
    }

    @Test(arguments: [
        ("/api/search?q=Daten&limit=0", "limit"), ("/api/search?q=Daten&limit=101", "limit"),
        ("/api/search?q=Daten&limit=zehn", "limit"), ("/api/search?q=Daten&offset=10001", "offset"),
        ("/api/search?q=Daten&since=2024-13-01", "since"), ("/api/search?q=Daten&until=gestern", "until"),
        ("/api/search?q=Daten&sort=beliebt", "sort"), ("/api/search?q=Daten&any_tag=vielleicht", "any_tag"),
        ("/api/search?q=" + String(repeating: "a", count: 513), "512"), ("/api/search?q=", "empty"),
        ("/api/search", "empty"), ("/api/search?q=-Daten", "excludes"),
    ])
    func badRequestsGet400WithAMessage(uri: String, mentions: String) async throws {
        let (app, _, _) = try makeApp()
        try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest)
                let message = try #require(try json(response.body)["error"] as? String)
                #expect(message.contains(mentions), "\(message)")
                #expect(!message.lowercased().contains("sql") && !message.contains("fts5"))
            }
        }
    }

    @Test(arguments: ["\"", "NEAR(", "AND OR", "*", "title:foo", "%00%01", "%F0%9F%99%82", "%27%3B%20DROP%20TABLE%20post",
                      "a%22b", "((", "-", "tag:", "%5E", "%E2%80%8B"])
    func hostileQueriesNever500(query: String) async throws {
        let (app, _, _) = try makeApp()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/search?q=\(query)", method: .get) { response in
                #expect(response.status == .ok || response.status == .badRequest, "\(query): \(response.status)")
                let body = String(buffer: response.body)
                #expect(!body.contains("SQL") && !body.contains("fts5"))
            }
        }
    }

    @Test func onlyReadingMethods() async throws {
        let (app, _, _) = try makeApp()
        try await app.test(.router) { client in
            for method in [HTTPRequest.Method.post, .put, .delete, .patch] {
                try await client.execute(uri: "/api/search?q=Daten", method: method) { response in
                    #expect(response.status == .methodNotAllowed)
                    #expect(response.headers[.allow] == "GET, HEAD, OPTIONS")
                }
            }
            try await client.execute(uri: "/api/search?q=Daten", method: .head) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == 0)
            }
        }
    }

    @Test func corsOnlyForConfiguredOrigins() async throws {
        let (app, _, _) = try makeApp(corsOrigins: ["https://blog.example.org"])
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/search?q=Daten", method: .get,
                                     headers: [.origin: "https://blog.example.org"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == "https://blog.example.org")
            }
            try await client.execute(uri: "/api/search?q=Daten", method: .get, headers: [.origin: "https://evil.example"]) { response in
                #expect(response.headers[.accessControlAllowOrigin] == nil)
            }
            try await client.execute(uri: "/api/search?q=Daten", method: .options,
                                     headers: [.origin: "https://blog.example.org", .accessControlRequestMethod: "GET"]) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[.accessControlAllowMethods] == "GET, HEAD, OPTIONS")
            }
        }
    }

    @Test func searchPageWithSecurityHeaders() async throws {
        let (app, _, _) = try makeApp()
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"))
                let html = String(buffer: response.body)
                #expect(html.contains("lang=\"de\"") && html.contains("volltext.js") && !html.contains("<script>"))
            }
            try await client.execute(uri: "/volltext.js", method: .get) { response in
                #expect(response.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(String(buffer: response.body).contains("/api/search?"))
            }
        }
    }

    /// A reindex by another process is seen by the next request.
    @Test func externalReindexIsPickedUp() async throws {
        let (app, site, _) = try makeApp()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/search?q=Zwiebelkuchen", method: .get) { response in
                let total = try json(response.body)["total"] as? Int
                #expect(total == 0)
            }
            try site.write("_posts/2024-03-01-neu.md", TemporarySite.post(title: "Neu", body: "Ein Rezept für Zwiebelkuchen."))
            _ = try SearchIndex(path: site.indexPath, create: true).update(from: SiteReader(root: site.root))
            try await client.execute(uri: "/api/search?q=Zwiebelkuchen", method: .get) { response in
                let total = try json(response.body)["total"] as? Int
                #expect(total == 1)
            }
        }
    }
}

/// The documented JSON shape, decoded strictly.
private struct SearchResultsShape: Decodable {
    struct Hit: Decodable {
        var path: String, url: String, title: String, date: String, authors: [String], tags: [String]
        var score: Double, snippet: String
    }
    struct Facets: Decodable { var tags: [TagCount] }
    struct TagCount: Decodable { var tag: String, count: Int }
    var query: String, total: Int, offset: Int, limit: Int, hits: [Hit], facets: Facets, suggestion: String?
}
