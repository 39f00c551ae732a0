import Foundation
import Testing
@testable import VolltextSite
import VolltextTestSupport

/// Reads every post of a site, returning posts and errors.
private func readAll(_ reader: SiteReader) throws -> (posts: [Post], errors: [SiteError]) {
    var posts: [Post] = [], errors: [SiteError] = []
    for file in try reader.postFiles() {
        do { posts.append(try reader.post(from: file, contents: reader.contents(of: file))) }
        catch { errors.append(error) }
    }
    return (posts, errors)
}

@Suite struct FindingPosts {
    @Test func postsInEveryPostsFolderDraftsOnlyWhenAsked() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-eins.md", TemporarySite.post())
        try site.write("blog/_posts/2017/2017-11-03-Open-Government Partnership.md", TemporarySite.post())
        try site.write("blog/_posts/2018/2018-02-02-Germany's-data.markdown", TemporarySite.post())
        try site.write("_posts/2019-05-05-für-alle.md", TemporarySite.post())
        try site.write("_posts/kein-datum.md", TemporarySite.post())       // no date in the name: no post
        try site.write("_posts/2019-05-05-notiz.txt", "nicht markdown")    // not Markdown
        try site.write("_site/_posts/2019-05-05-kopie.md", TemporarySite.post())  // Jekyll's output
        try site.write("_drafts/entwurf.md", TemporarySite.post())
        let paths = try SiteReader(root: site.root).postFiles().map(\.path)
        #expect(paths == [
            "_posts/2019-05-05-für-alle.md", "_posts/2020-01-01-eins.md",
            "blog/_posts/2017/2017-11-03-Open-Government Partnership.md",
            "blog/_posts/2018/2018-02-02-Germany's-data.markdown",
        ])
        let withDrafts = try SiteReader(root: site.root, options: .init(drafts: true)).postFiles()
        #expect(withDrafts.contains { $0.path == "_drafts/entwurf.md" && $0.isDraft })
    }

    /// A post's bytes as they are in the file; a file too large or gone since
    /// the listing is a clear error naming it.
    @Test func readingAPostFile() throws {
        let site = try TemporarySite()
        let text = TemporarySite.post(body: "Straßenbäume in Köln: \u{1F333}")
        try site.write("_posts/2020-01-01-baum.md", text)
        try site.write("_posts/2020-01-02-leer.md", "")
        try site.write("_posts/2020-01-03-riesig.md", Data(repeating: 0x61, count: SiteReader.maxPostBytes + 1))
        try site.write("_posts/2020-01-04-weg.md", text)
        let reader = try SiteReader(root: site.root)
        let files = Dictionary(uniqueKeysWithValues: try reader.postFiles().map { ($0.slug, $0) })
        #expect(try reader.contents(of: #require(files["baum"])) == Data(text.utf8))
        #expect(try reader.contents(of: #require(files["leer"])).isEmpty)
        #expect(throws: SiteError.tooLarge(path: "_posts/2020-01-03-riesig.md", bytes: SiteReader.maxPostBytes + 1)) {
            try reader.contents(of: #require(files["riesig"]))
        }
        try site.remove("_posts/2020-01-04-weg.md")
        #expect(throws: SiteError.unreadable(path: "_posts/2020-01-04-weg.md", reason: "No such file or directory")) {
            try reader.contents(of: #require(files["weg"]))
        }
    }

    @Test func missingSiteFolderIsAClearError() {
        #expect(throws: SiteError.siteNotFound(path: "/nonexistent/site")) {
            try SiteReader(root: URL(fileURLWithPath: "/nonexistent/site"))
        }
    }
}

@Suite struct FrontMatterFields {
    private func read(_ text: String, name: String = "_posts/2020-05-01-test.md", config: String? = nil,
                      options: SiteReader.Options = .init()) throws -> Post {
        let site = try TemporarySite()
        try site.write(name, text)
        if let config { try site.write("_config.yml", config) }
        let reader = try SiteReader(root: site.root, options: options)
        let file = try #require(try reader.postFiles().first)
        return try reader.post(from: file, contents: reader.contents(of: file))
    }

    @Test func listsOrSingleStrings() throws {
        var post = try read(TemporarySite.post(tags: "[Open Data, Transparenz]", extra: "authors: [Anna, Ben]"))
        #expect(post.tags == ["Open Data", "Transparenz"])
        #expect(post.authors == ["Anna", "Ben"])
        post = try read(TemporarySite.post(tags: "Offenheit", extra: "author: Anna und Ben"))
        #expect(post.tags == ["Offenheit"])
        #expect(post.authors == ["Anna und Ben"])
        post = try read(TemporarySite.post(tags: "offen frei", extra: "categories: Politik, Recht"))
        #expect(post.tags == ["offen", "frei"])  // Jekyll splits a tag string on spaces
        #expect(post.categories == ["Politik", "Recht"])
    }

    @Test(arguments: [
        ("2017-11-02", "2017-11-02T00:00:00"), ("2017-11-02 09:05", "2017-11-02T09:05:00"),
        ("2017-11-02 09:05:07", "2017-11-02T09:05:07"), ("2017-11-02T23:30:00+01:00", "2017-11-02T23:30:00"),
        ("2017-11-02 23:30:00 +0100", "2017-11-02T23:30:00"), ("'2017-11-02'", "2017-11-02T00:00:00"),
    ])
    func dateForms(written: String, sortKey: String) throws {
        let post = try read(TemporarySite.post(date: written))
        #expect(post.date.sortKey == sortKey)
        #expect(post.date.day10 == "2017-11-02")  // the day as written, never shifted by a zone
    }

    /// The hand-written padding prints what `%04d` and `%02d` print, short and long numbers alike.
    @Test(arguments: [(2017, 11, 2, 9, 5, 7), (5, 1, 1, 0, 0, 0), (12345, 12, 31, 23, 59, 60), (-44, 3, 15, 0, 0, 0), (1999, 123, 0, 100, 7, 0)])
    func dateTextIsZeroPadded(_ date: (Int, Int, Int, Int, Int, Int)) {
        let (year, month, day, hour, minute, second) = date
        let postDate = PostDate(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        #expect(postDate.day10 == String(format: "%04d-%02d-%02d", year, month, day))
        #expect(postDate.sortKey == String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second))
    }

    @Test func dateFallsBackToTheFileName() throws {
        #expect(try read(TemporarySite.post(date: nil), name: "_posts/2016-03-04-x.md").date.day10 == "2016-03-04")
    }

    @Test func badDateIsRejectedWithItsLine() throws {
        #expect(throws: SiteError.invalidDate(path: "_posts/2020-05-01-test.md", line: 3, value: "gestern")) {
            try read(TemporarySite.post(date: "gestern"))
        }
    }

    @Test func unknownFieldsAreKeptAndCRLFAndTrailingSpacesWork() throws {
        let text = "---  \r\ntitle: Mit CRLF   \r\nauthors: \r\n- Anna\r\nimage:\r\n  src: /a.jpg\r\ncard: true\r\n---\r\nText\r\n"
        let post = try read(text)
        #expect(post.title == "Mit CRLF")
        #expect(post.authors == ["Anna"])
        #expect(post.frontMatter["image"] == .map(["src": .string("/a.jpg")]))
        #expect(post.frontMatter["card"] == .bool(true))
        #expect(post.body == "Text")
    }

    @Test func repeatedKeysLetTheLastWinAsJekyllDoes() throws {
        let post = try read("---\ntitle: Erst\ntype: post\ntitle: Zweit\ntype: post\n---\nx\n")
        #expect(post.title == "Zweit")
    }

    @Test func malformedPostsNameFileAndLine() throws {
        #expect(throws: SiteError.missingTitle(path: "_posts/2020-05-01-test.md", line: 1)) {
            try read("---\ndate: 2020-05-01\n---\nText")
        }
        do {
            _ = try read("---\ntitle: Gut\ntags: [offen\n---\nText")
            Issue.record("broken YAML was accepted")
        } catch let error as SiteError {
            guard case let .invalidFrontMatter(path, line, _) = error else { Issue.record("\(error)"); return }
            #expect(path == "_posts/2020-05-01-test.md")
            #expect(line != nil && line! >= 3)
        }
        #expect(throws: SiteError.invalidFrontMatter(path: "_posts/2020-05-01-test.md", line: 1,
                                                     reason: "the file does not start with a --- line")) {
            try read("Nur Text")
        }
    }

    @Test func invalidUTF8NamesItsLine() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-05-01-bad.md", Data("---\ntitle: x\n---\nGut\n".utf8) + Data([0x66, 0xFF, 0x0A]))
        let reader = try SiteReader(root: site.root)
        let file = try #require(try reader.postFiles().first)
        #expect(throws: SiteError.invalidUTF8(path: "_posts/2020-05-01-bad.md", line: 5)) {
            try reader.post(from: file, contents: reader.contents(of: file))
        }
    }

    @Test func publishedDraftAndFutureDecideInclusion() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-05-01-a.md", TemporarySite.post(extra: "published: false"))
        try site.write("_posts/2999-05-01-b.md", TemporarySite.post(date: nil))
        try site.write("_posts/2020-05-01-c.md", TemporarySite.post())
        let reader = try SiteReader(root: site.root)
        let reasons = try readAll(reader).posts.map { reader.exclusionReason(for: $0) }
        #expect(reasons == ["published: false", nil, "dated in the future"])  // sorted by path: a, c, b
        let future = try SiteReader(root: site.root, options: .init(future: true))
        #expect(try readAll(future).posts.map { future.exclusionReason(for: $0) } == ["published: false", nil, nil])
    }

    /// Jekyll's templates with every placeholder, escaping and slashes.
    @Test(arguments: [
        ("date", [], "/2017/11/02/open-data.html"),
        ("date", ["Politik", "Offene Daten"], "/politik/offene-daten/2017/11/02/open-data.html"),
        ("pretty", [], "/2017/11/02/f%C3%BCr-alle/"),
        ("ordinal", [], "/2017/306/open-data.html"),
        ("none", [], "/open-data.html"),
        ("/:short_year/:i_month/:i_day/:hour:minute:second/:slug", [], "/17/11/2/230507/open-data"),
        ("/:foo/:title/", [], "/:foo/open-data/"),
        ("blog//:categories//:title", [], "/blog/open-data"),
        ("/100%/:title", [], "/100%25/open-data"),
    ] as [(String, [String], String)])
    func permalinkTemplates(template: String, categories: [String], url: String) {
        let date = PostDate(year: 2017, month: 11, day: 2, hour: 23, minute: 5, second: 7)
        let slug = template == "pretty" ? "für-alle" : "open-data"
        #expect(Permalink(template).url(slug: slug, date: date, categories: categories) == url)
        #expect(Permalink(template).url(slug: slug, date: date, categories: categories, baseURL: "site/") == "/site" + url)
    }

    @Test func permalinksFollowConfigAndFrontMatter() throws {
        let name = "blog/_posts/2017/2017-11-03-Open-Government Partnership.md"
        var post = try read(TemporarySite.post(date: "2017-11-02 10:00"), name: name)
        #expect(post.url == "/blog/2017/11/02/Open-Government-Partnership.html")
        post = try read(TemporarySite.post(date: "2017-11-02"), name: name, config: "permalink: blog/:year/:month/:title/\n")
        #expect(post.url == "/blog/2017/11/Open-Government-Partnership/")
        post = try read(TemporarySite.post(extra: "permalink: /ueber/uns/"), config: "baseurl: /site\n")
        #expect(post.url == "/site/ueber/uns/")
        post = try read(TemporarySite.post(), name: "_posts/2020-05-01-für-alle.md", config: "permalink: pretty\n")
        #expect(post.url == "/2020/05/01/f%C3%BCr-alle/")
    }
}

@Suite struct MarkdownToText {
    private func text(_ markdown: String) -> String { MarkdownText.plainText(fromMarkdown: markdown).body }

    @Test func linksKeepTextDropURLsImagesKeepAlt() {
        #expect(text("Siehe [Frag den Staat](www.fragdenstaat.de) und ![Ein Logo](/logo.png).")
            == "Siehe Frag den Staat und Ein Logo.")
        #expect(text("Mehr: <https://okfn.de/blog/> und www.example.org heute").contains("okfn") == false)
        #expect(text("Schreib an kontakt@example.org").contains("example") == false)
    }

    /// Plain text is copied in runs; an `h` or `w` ends a run only where a bare
    /// URL starts, at the start of a word. Hard line breaks end their line.
    @Test func bareURLsStartOnlyAtAWordAndHardBreaksEndTheLine() {
        #expect(text("Wir haben http://example.org/x. Weiter") == "Wir haben . Weiter")
        #expect(text("Siehe HTTPS://Example.org und WWW.example.org, dann") == "Siehe  und , dann")
        #expect(text("Schwachstellen: ahttp://x.de und awww.y.de bleiben") == "Schwachstellen: ahttp://x.de und awww.y.de bleiben")
        #expect(text("(www.x.de) und hhttp://z, wwwx, ht, ww") == "() und hhttp://z, wwwx, ht, ww")
        #expect(text("Zeile eins  \nZeile zwei   \nZeile drei \nvier") == "Zeile eins\nZeile zwei\nZeile drei\nvier")
    }

    @Test func htmlIsStrippedAndEntitiesDecoded() {
        let body = text("Vorher<br>nachher &mdash; &amp; &quot;x&quot; &#8222;y&#8220;\n\n<iframe src=\"v\">alt</iframe>\n\n<p>Absatz <b>fett</b>schrift</p>")
        #expect(body.contains("Vorher\nnachher — & \"x\" „y“"))
        #expect(!body.contains("iframe") && !body.contains("alt") && !body.contains("<"))
        #expect(body.contains("Absatz fettschrift"))
    }

    /// kramdown reads Markdown after a lone `<br>` line; CommonMark would keep it raw.
    @Test func markdownAfterAnHTMLLineIsStillRead() {
        #expect(text("<br>\nSiehe [den Beschluss](http://example.org/x?y=1) hier.") == "Siehe den Beschluss hier.")
    }

    @Test func liquidAndShortcodesAreDropped() {
        let body = text("A {% youtube abc %} B {{ site.url }} C {{< tweet 1 >}} D [framed_box rounded=true]E[/framed_box] [Link](x)")
        #expect(body == "A  B  C  D E Link")
    }

    @Test func codeBlocksGoApart() {
        let result = MarkdownText.plainText(fromMarkdown: "Text\n\n```swift\nlet geheim = 1\n```\n\n{% highlight ruby %}\nputs 2\n{% endhighlight %}\n\nMit `inline` Code")
        #expect(result.body == "Text\n\nMit inline Code")
        #expect(result.code.contains("let geheim = 1") && result.code.contains("puts 2"))
    }

    /// Bodies that made a pass quadratic (each of them took from 10 s to hours
    /// at this size): every pass is linear now, so a megabyte takes moments.
    @Test(arguments: [
        ("", "<a", 500_000), ("", "{%", 500_000), ("", "{{", 500_000), ("", "Absatz\n\n", 120_000),
        ("", "](", 500_000), ("", "[x](", 250_000), ("", "`", 1_000_000), ("", "` `` ", 200_000),
        ("", "<!--", 250_000), ("", "a@", 500_000), ("", "- ", 500_000), ("", "> ", 500_000),
        ("<div>\n", "<a title=\"", 100_000),
    ])
    func hostileBodiesAreReadInLinearTime(_ head: String, _ unit: String, _ count: Int) {
        let body = head + String(repeating: unit, count: count)
        let result = MarkdownText.plainText(fromMarkdown: body)
        #expect(result.body.utf8.count + result.code.utf8.count <= body.utf8.count * 2)
    }

    @Test func listsTablesHeadingsAndIndentedCode() {
        let result = MarkdownText.plainText(fromMarkdown: """
            # Überschrift #

            - Erster Punkt mit [Link](https://example.org/a_(b))
            - Zweiter Punkt

                  eingerückter Code im Punkt

            | Stadt | Einwohner |
            |:------|----------:|
            | Köln  | 1.084.000 |

                let code = true

            Text mit `inline` und Bürger*innen und **fett**schrift und snake_case_wort.

            [ref]: https://example.org/ref
            """)
        #expect(result.body == "Überschrift\n\nErster Punkt mit Link\n\nZweiter Punkt\n\nStadt\nEinwohner\n\nKöln\n1.084.000\n\n"
            + "Text mit inline und Bürger*innen und fettschrift und snake_case_wort.")
        #expect(result.code.contains("eingerückter Code im Punkt") && result.code.contains("let code = true"))
    }

    @Test func escapesAndEmphasis() {
        #expect(text("Datenanalyst\\*innen und *betont* **stark**") == "Datenanalyst*innen und betont stark")
    }
}

@Suite(.enabled(if: SharedData.isUsable, Comment(rawValue: SharedData.skipMessage)))
struct RealSiteOKFN {
    let root: URL
    let reader: SiteReader

    init() throws {
        root = try SharedData.url("corpus/okfn-de")
        reader = try SiteReader(root: root)
    }

    @Test func everyPostIsFoundAndReadable() throws {
        let (posts, errors) = try readAll(reader)
        #expect(posts.count == 502)
        #expect(errors.isEmpty, "\(errors.map { $0.localizedDescription })")
        #expect(posts.filter(\.isUnpublished).count == 7)
        #expect(posts.allSatisfy { !$0.body.isEmpty })
    }

    /// Titles, dates, tags and authors agree with a crude independent reading of each file.
    @Test func metadataAgreesWithTheFiles() throws {
        for post in try readAll(reader).posts {
            let text = try String(contentsOf: root.appendingPathComponent(post.path), encoding: .utf8)
            if let title = CrudeFrontMatter.value("title", in: text), !title.contains("\\"), !title.contains("''") {
                #expect(post.title == title.trimmingCharacters(in: .whitespaces), "\(post.path)")
            }
            if let date = CrudeFrontMatter.value("date", in: text) {
                #expect(post.date.day10 == String(date.prefix(10)), "\(post.path)")
            }
            let tags = CrudeFrontMatter.list("tags", in: text)
            if !tags.isEmpty { #expect(post.tags == tags, "\(post.path)") }
            let authors = CrudeFrontMatter.list("authors", in: text)
            if !authors.isEmpty { #expect(post.authors == authors, "\(post.path)") }
            if let author = CrudeFrontMatter.value("author", in: text), !author.isEmpty {
                #expect(post.authors == [author], "\(post.path)")
            }
        }
    }

    @Test func bodiesHaveNoMarkupLeft() throws {
        var withTags = 0, withLiquid = 0, withLinkURL = 0
        for post in try readAll(reader).posts {
            if post.body.contains("<iframe") || post.body.contains("<br") { withTags += 1 }
            if post.body.contains("{%") || post.body.contains("{{") { withLiquid += 1 }
            if post.body.contains("](http") { withLinkURL += 1 }
        }
        #expect(withTags == 0)
        #expect(withLiquid == 0)
        #expect(withLinkURL == 0)
    }
}
