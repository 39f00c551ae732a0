import ArgumentParser
import Foundation
import VolltextIndex
import VolltextPresentation

/// `volltext search QUERY…`: German queries, ranked by BM25, with tag filters.
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search the index.",
        discussion: """
            Words are all required; OR between words, -word to exclude, "quoted phrases", \
            prefix*, tag:Name. Umlauts may be typed as ae/oe/ue or without dots, and \
            inflected forms find each other. Exit status 0 for a search with or without \
            hits, 64 for a bad query or option.
            """
    )

    @OptionGroup var index: IndexOptions

    @Flag(help: "Print the results as JSON.")
    var json = false

    @Option(help: "Hits per page, 1 to \(SearchRequest.maxLimit).")
    var limit = 10

    @Option(help: "Hits to skip, 0 to \(SearchRequest.maxOffset).")
    var offset = 0

    @Option(name: .customLong("tag"), help: "Only posts with this tag (repeatable: all of them).")
    var tags: [String] = []

    @Flag(help: "With several --tag: posts with any of them.")
    var anyTag = false

    @Option(help: "Only posts by this author.")
    var author: String?

    @Option(help: "Only posts on or after this date (YYYY-MM-DD).")
    var since: String?

    @Option(help: "Only posts on or before this date (YYYY-MM-DD).")
    var until: String?

    @Option(help: "relevance (default) or date (newest first).")
    var sort: SearchRequest.Sort = .relevance

    @Option(help: "Only posts in this language (de, en, …) and posts of no known language.")
    var lang: String?

    @Argument(help: "The query.")
    var query: [String] = []

    func validate() throws {
        let request = self.request
        do {
            _ = try request.validated()
            _ = try SearchQuery(parsing: request.query)
        } catch {
            // An empty query is fine with a tag filter: it lists the tag's posts.
            if error == .empty, !tags.isEmpty { return }
            throw ValidationError(error.localizedDescription)
        }
    }

    private var request: SearchRequest {
        SearchRequest(query: query.joined(separator: " "), tags: tags, anyTag: anyTag, author: author,
                      since: since, until: until, sort: sort, limit: limit, offset: offset, lang: lang)
    }

    func run() throws {
        let results = try SearchIndex(path: index.path).search(request)
        if json {
            printOutput(String(decoding: SearchResultsJSON.data(results), as: UTF8.self))
        } else {
            printOutput(Self.text(results))
        }
        try finishOutput()
    }

    /// Results for people: rank, title, date, tags, URL and snippet.
    static func text(_ results: SearchResults) -> String {
        var lines: [String] = []
        if results.total == 0 {
            lines.append("No posts found for \"\(results.query)\".")
            if let suggestion = results.suggestion { lines.append("Did you mean: \(suggestion)") }
            return lines.joined(separator: "\n")
        }
        let last = results.offset + results.hits.count
        lines.append("\(results.total) post\(results.total == 1 ? "" : "s") found, showing \(results.offset + 1)–\(last):")
        for (rank, hit) in results.hits.enumerated() {
            lines.append("")
            lines.append("\(results.offset + rank + 1). \(hit.title)")
            var meta = hit.date
            if !hit.authors.isEmpty { meta += " · " + hit.authors.joined(separator: ", ") }
            if !hit.tags.isEmpty { meta += " · " + hit.tags.joined(separator: ", ") }
            lines.append("   " + meta)
            lines.append("   " + hit.url)
            lines.append("   " + terminalSnippet(hit.snippet))
        }
        if !results.facets.tags.isEmpty {
            lines.append("")
            lines.append("Tags: " + results.facets.tags.prefix(10).map { "\($0.tag) (\($0.count))" }.joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    /// The snippet for a terminal: matches in bold (on a terminal) or *starred*.
    private static func terminalSnippet(_ snippet: Snippet) -> String {
        let (open, close) = isatty(1) == 1 ? ("\u{1B}[1m", "\u{1B}[0m") : ("*", "*")
        let text = Array(snippet.text.utf8)
        var out = ""
        var position = 0
        for match in snippet.matches where match.lowerBound >= position && match.upperBound <= text.count {
            out += String(decoding: text[position..<match.lowerBound], as: UTF8.self)
            out += open + String(decoding: text[match], as: UTF8.self) + close
            position = match.upperBound
        }
        return out + String(decoding: text[position...], as: UTF8.self)
    }
}

extension SearchRequest.Sort: ExpressibleByArgument {}
