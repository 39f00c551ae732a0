import Foundation
import Testing
@testable import VolltextSite
import VolltextTestSupport

private func readAll(_ reader: SiteReader) throws -> (published: [Post], excluded: [String: String], errors: [SiteError]) {
    var published: [Post] = [], excluded: [String: String] = [:], errors: [SiteError] = []
    for file in try reader.postFiles() {
        do {
            let post = try reader.post(from: file, contents: reader.contents(of: file))
            if let reason = reader.exclusionReason(for: post) { excluded[post.path] = reason } else { published.append(post) }
        } catch {
            errors.append(error)
        }
    }
    return (published, excluded, errors)
}

/// The example Hugo site in `Examples/hugo`, read as Hugo would publish it.
@Suite struct ExampleHugoSite {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Examples/hugo").standardized
    static let now = ISO8601DateFormatter().date(from: "2025-01-01T00:00:00Z")!

    @Test func isRecognisedAsHugo() throws {
        #expect(try SiteReader(root: Self.root).generator == .hugo)
    }

    /// Each published page with the title, date, language, tags and URL that
    /// Hugo's rules give it (written out by hand from the files and hugo.toml).
    @Test func publishesExactlyWhatHugoWould() throws {
        let reader = try SiteReader(root: Self.root, options: .init(now: Self.now))
        let (published, excluded, errors) = try readAll(reader)
        #expect(errors.isEmpty, "\(errors)")
        let expected: [(path: String, title: String, date: String, lang: String, url: String, tags: [String])] = [
            ("content/blog/2024-01-15-haushalt-offen.md", "Der Haushalt liegt offen", "2024-01-15", "de",
             "/blog/haushalt-offen/", ["Haushalt", "Offene Daten"]),
            ("content/blog/2024-02-03-strassenbaeume.md", "Straßenbäume kartiert", "2024-02-03", "de",
             "/blog/strassenbaeume/", ["Umwelt", "Karten"]),
            ("content/blog/2024-03-10-informationsfreiheit.md", "Informationsfreiheit im Rathaus", "2024-03-10", "de",
             "/blog/informationsfreiheit/", ["Transparenz", "IFG"]),
            ("content/blog/2024-04-20-fahrradwege.de.md", "Neue Fahrradwege", "2024-04-20", "de",
             "/blog/fahrradwege/", ["Verkehr"]),
            ("content/blog/2024-04-20-fahrradwege.en.md", "New cycle lanes", "2024-04-20", "en",
             "/en/blog/fahrradwege/", ["Verkehr"]),
            ("content/blog/stadtrat-bundle/index.md", "Der Stadtrat tagt öffentlich", "2024-05-06", "de",
             "/blog/stadtrat-live/", ["Stadtrat", "Transparenz"]),
            ("content/projekte/baumkataster.md", "Baumkataster", "2023-05-04", "de", "/projekt/baeume/", ["Umwelt"]),
            ("content/projekte/ratsinfo.md", "Ratsinformationssystem", "2022-11-20", "de", "/ratsinfo/", ["Transparenz", "Stadtrat"]),
        ]
        #expect(published.map(\.path) == expected.map(\.path))
        for (post, want) in zip(published, expected) {
            #expect(post.title == want.title, "\(post.path)")
            #expect(post.date.day10 == want.date, "\(post.path)")
            #expect(post.lang == want.lang, "\(post.path)")
            #expect(post.url == want.url, "\(post.path)")
            #expect(post.tags == want.tags, "\(post.path)")
        }
        #expect(excluded == [
            "content/blog/2024-06-01-entwurf.md": "draft",
            "content/blog/2099-01-01-zukunft.md": "dated in the future",
            "content/blog/2024-08-15-veroeffentlicht.md": "dated in the future",
            "content/blog/2024-07-01-sommerfest.md": "expired",
            "content/blog/2024-09-09-kopflos.md": "not rendered (headless or build.render)",
            "content/blog/2024-10-01-nie-gerendert.md": "not rendered (headless or build.render)",
        ])
    }

    @Test func fieldsFromEachFrontMatterFormat() throws {
        let reader = try SiteReader(root: Self.root, options: .init(now: Self.now))
        let posts = try readAll(reader).published
        let toml = try #require(posts.first { $0.path.hasSuffix("haushalt-offen.md") })
        #expect(toml.authors == ["Mara Öztürk"])
        #expect(toml.categories == ["Finanzen"])
        #expect(toml.description == "Warum der städtische Haushalt maschinenlesbar sein muss.")
        #expect(toml.body.contains("Bürgerbeteiligung vorgeschlagen"))
        let json = try #require(posts.first { $0.path.hasSuffix("informationsfreiheit.md") })
        #expect(json.description == "Eine Bilanz nach zwei Jahren Informationsfreiheitssatzung.")
        #expect(json.body.hasPrefix("Seit zwei Jahren"))
        let yaml = try #require(posts.first { $0.path.hasSuffix("strassenbaeume.md") })
        #expect(yaml.authors == ["Jonas Weber", "Lea Fischer"])
        // Shortcodes go; the text a paired shortcode wraps stays.
        let bundle = try #require(posts.first { $0.path.hasSuffix("index.md") })
        #expect(bundle.body.contains("Die Aufzeichnungen bleiben drei Monate abrufbar."))
        #expect(!bundle.body.contains("figure") && !bundle.body.contains("{{"))
    }

    @Test func flagsAndSectionsWidenWhatIsRead() throws {
        let all = try SiteReader(root: Self.root, options: .init(drafts: true, future: true, expired: true, now: Self.now))
        #expect(try readAll(all).published.count == 12)
        let termine = try SiteReader(root: Self.root, options: .init(sections: ["termine"], now: Self.now))
        #expect(try termine.postFiles().map(\.path) == ["content/termine/2024-11-11-treffen.md"])
    }
}

@Suite struct HugoFrontMatterErrors {
    private func read(_ text: String, name: String = "content/blog/a.md") throws -> Post {
        let site = try TemporarySite()
        try site.write("hugo.toml", "baseURL = \"https://x.example/\"\n")
        try site.write(name, text)
        let reader = try SiteReader(root: site.root)
        let file = try #require(try reader.postFiles().first)
        return try reader.post(from: file, contents: reader.contents(of: file))
    }

    @Test func badTOMLNamesItsLine() throws {
        #expect {
            try read("+++\ntitle = \"ok\"\ntags = [\"a\"\n+++\nText")
        } throws: { error in
            guard case let .invalidFrontMatter(path, line, _)? = error as? SiteError else { return false }
            return path == "content/blog/a.md" && line != nil
        }
    }

    /// Hugo's YAML reader refuses excessive aliasing and fails the build: the page is refused.
    @Test func anAliasBombIsRefusedWithItsLine() throws {
        let bomb = JekyllPublishingRules.aliasBomb(levels: 7)
        #expect {
            try read("---\ntitle: Bombe\n\(bomb.yaml)\n---\nText")
        } throws: { error in
            guard case let .invalidFrontMatter(path, line, reason)? = error as? SiteError else { return false }
            return path == "content/blog/a.md" && line == 8 && reason.contains("values")
        }
    }

    /// A bad date names the line its key is on, in TOML as in YAML.
    @Test func badDateNamesItsLineInTOML() throws {
        #expect(throws: SiteError.invalidDate(path: "content/blog/a.md", line: 3, value: "morgen")) {
            try read("+++\ntitle = \"x\"\ndate = \"morgen\"\n+++\nText")
        }
    }

    @Test func badJSONAndUnclosedFrontMatterAreRejected() throws {
        #expect(throws: SiteError.self) { try read("{\n\"title\": x\n}\nText") }
        #expect(throws: SiteError.self) { try read("+++\ntitle = \"x\"\nText ohne Ende") }
        #expect(throws: SiteError.self) { try read("---\ntitle: x\ndate: morgen\n---\nText") }
    }

    @Test func aPageWithoutFrontMatterIsAPage() throws {
        let post = try read("Nur Text, wie in einer README.", name: "content/docs/anleitung.md")
        #expect(post.title == "anleitung")
        #expect(post.url == "/docs/anleitung/")
        #expect(post.body == "Nur Text, wie in einer README.")
    }
}

/// A plain YAML value without its ` # comment`.
private func withoutComment(_ value: String) -> String {
    (value.range(of: " #").map { String(value[..<$0.lowerBound]) } ?? value).trimmingCharacters(in: .whitespaces)
}

/// Which entries of the content folder are pages, links among them.
@Suite struct HugoContentListing {
    @Test func linkedFilesArePagesLinkedFoldersAndDanglingLinksAreNot() throws {
        let site = try TemporarySite()
        try site.write("hugo.toml", "baseURL = \"https://x.example/\"\n")
        try site.write("content/blog/echt.md", "---\ntitle: Echt\n---\nText")
        try site.write("content/blog/bundle/index.md", "---\ntitle: Bündel\n---\nText")
        try site.write("content/blog/bundle/bild.md", "---\ntitle: Ressource\n---\nText")
        try site.write("elsewhere/fremd.md", "---\ntitle: Fremd\n---\nText")
        try site.write("elsewhere/ordner/tief.md", "---\ntitle: Tief\n---\nText")
        let links = FileManager.default
        try links.createSymbolicLink(atPath: site.root.appendingPathComponent("content/blog/verlinkt.md").path,
                                     withDestinationPath: site.root.appendingPathComponent("elsewhere/fremd.md").path)
        try links.createSymbolicLink(atPath: site.root.appendingPathComponent("content/blog/ordner").path,
                                     withDestinationPath: site.root.appendingPathComponent("elsewhere/ordner").path)
        try links.createSymbolicLink(atPath: site.root.appendingPathComponent("content/blog/weg.md").path,
                                     withDestinationPath: site.root.appendingPathComponent("elsewhere/gibt-es-nicht.md").path)
        let files = try SiteReader(root: site.root).postFiles().map(\.path)
        #expect(files == ["content/blog/bundle/index.md", "content/blog/echt.md", "content/blog/verlinkt.md"])
    }
}

/// The real Hugo site of Code for Germany (`../shared/corpus/codefor-de`).
@Suite(.enabled(if: SharedData.isUsable, Comment(rawValue: SharedData.skipMessage)))
struct RealSiteCodeForDE {
    @Test func everyPageHugoPublishesAndNoOther() throws {
        let root = try SharedData.url("corpus/codefor-de")
        let reader = try SiteReader(root: root)
        #expect(reader.generator == .hugo)
        let (published, excluded, errors) = try readAll(reader)
        #expect(errors.isEmpty, "\(errors.map(\.localizedDescription))")
        // An independent count: Markdown files under content/, less _index.md pages and drafts.
        let files = FileManager.default.enumerator(atPath: root.appendingPathComponent("content").path)!
            .compactMap { $0 as? String }.filter { $0.hasSuffix(".md") }
        let sections = files.filter { ($0 as NSString).lastPathComponent == "_index.md" }
        let drafts = try files.filter { path in
            let text = try String(contentsOf: root.appendingPathComponent("content/" + path), encoding: .utf8)
            return CrudeFrontMatter.value("draft", in: text).map(withoutComment) == "true"
        }
        #expect(drafts.count == 2)
        #expect(published.count == files.count - sections.count - drafts.count)
        #expect(Set(excluded.values) == ["draft"])
        #expect(!published.contains { $0.path.hasSuffix("/_index.md") })
        #expect(published.contains { $0.path == "content/archiv/launch/index.md" && $0.url == "/archiv/launch/" })
        for post in published {
            let text = try String(contentsOf: root.appendingPathComponent(post.path), encoding: .utf8)
            // A quoted title keeps its " #"; a plain one loses the comment.
            if let title = CrudeFrontMatter.value("title", in: text), !title.contains("\\"), !title.isEmpty {
                #expect(post.title == title.trimmingCharacters(in: .whitespaces) || post.title == withoutComment(title), "\(post.path)")
            }
            // The config takes the date from the file name first (frontmatter.date: [":filename", ":default"]).
            let name = (post.path as NSString).lastPathComponent
            if let prefix = HugoSite.splitDatePrefix(String(name.dropLast(3))).0 {
                #expect(post.date.day10 == prefix.day10, "\(post.path)")
            } else if let date = CrudeFrontMatter.value("date", in: text), date.count >= 10 {
                #expect(post.date.day10 == String(date.prefix(10)), "\(post.path)")
            }
            #expect(post.lang == "de", "\(post.path)")
            #expect(!post.body.contains("{{<") && !post.body.contains("{{%"), "\(post.path)")
        }
        // labs use the site's permalink pattern "/:filename".
        #expect(published.contains { $0.path == "content/labs/berlin.md" && $0.url == "/berlin" })
    }
}
