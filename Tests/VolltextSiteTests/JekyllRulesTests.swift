import Foundation
import Testing
@testable import VolltextSite
import VolltextTestSupport

/// Which posts Jekyll publishes, rule by rule, as Jekyll's documentation and
/// its `EntryFilter`/`FrontmatterDefaults` behave: each case writes a post
/// that Jekyll would leave out next to one it would publish.
@Suite struct JekyllPublishingRules {
    private func published(_ site: TemporarySite, options: SiteReader.Options = .init()) throws -> [String] {
        let reader = try SiteReader(root: site.root, options: options)
        return try reader.postFiles().compactMap { file in
            let post = try reader.post(from: file, contents: reader.contents(of: file))
            return reader.exclusionReason(for: post) == nil ? post.path : nil
        }
    }

    @Test func publishedWithNoValueIsUnpublished() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-offen.md", TemporarySite.post())
        try site.write("_posts/2020-01-02-leer.md", TemporarySite.post(extra: "published:"))
        try site.write("_posts/2020-01-03-tilde.md", TemporarySite.post(extra: "published: ~"))
        try site.write("_posts/2020-01-04-nein.md", TemporarySite.post(extra: "published: no"))
        try site.write("_posts/2020-01-05-ja.md", TemporarySite.post(extra: "published: true"))
        #expect(try published(site) == ["_posts/2020-01-01-offen.md", "_posts/2020-01-05-ja.md"])
    }

    @Test func specialFoldersAreSkippedUnlessIncluded() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-offen.md", TemporarySite.post())
        try site.write("_posts/_versteckt/2020-01-02-a.md", TemporarySite.post())
        try site.write("_posts/.git/2020-01-03-b.md", TemporarySite.post())
        try site.write("_posts/#entwurf/2020-01-04-c.md", TemporarySite.post())
        try site.write("_posts/2020-01-05-sicherung.md~", TemporarySite.post())
        try site.write("_privat/_posts/2020-01-06-d.md", TemporarySite.post())
        try site.write(".versteckt/_posts/2020-01-07-e.md", TemporarySite.post())
        try site.write("~alt/_posts/2020-01-08-f.md", TemporarySite.post())
        try site.write("blog/_posts/2020-01-09-blog.md", TemporarySite.post())
        #expect(try published(site) == ["_posts/2020-01-01-offen.md", "blog/_posts/2020-01-09-blog.md"])
        try site.write("_config.yml", "include: [_privat]\n")
        #expect(try published(site).contains("_privat/_posts/2020-01-06-d.md"))
    }

    @Test func excludeAndJekyllsDefaultExcludes() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-offen.md", TemporarySite.post())
        try site.write("archiv/_posts/2020-01-02-alt.md", TemporarySite.post())
        try site.write("intern/notizen/_posts/2020-01-03-notiz.md", TemporarySite.post())
        try site.write("_posts/geheim/2020-01-04-g.md", TemporarySite.post())
        try site.write("node_modules/x/_posts/2020-01-05-n.md", TemporarySite.post())
        try site.write("vendor/bundle/gems/_posts/2020-01-06-v.md", TemporarySite.post())
        try site.write("_config.yml", "exclude:\n  - archiv\n  - \"intern/*\"\n  - _posts/geheim\n")
        #expect(try published(site) == ["_posts/2020-01-01-offen.md"])
    }

    @Test func defaultsApplyByPathAndTypeAndFrontMatterWins() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-offen.md", TemporarySite.post())
        try site.write("entwurf/_posts/2020-01-02-e.md", TemporarySite.post())
        try site.write("entwurf/_posts/2020-01-03-doch.md", TemporarySite.post(extra: "published: true"))
        try site.write("team/_posts/2020-01-04-t.md", TemporarySite.post(tags: "[Eigen]"))
        try site.write("_config.yml", """
            defaults:
              - scope: {path: ""}
                values: {author: Redaktion}
              - scope: {path: "entwurf", type: posts}
                values: {published: false}
              - scope: {path: "team", type: pages}
                values: {published: false}
              - scope: {path: "team"}
                values: {author: Team, tags: [Vorgabe]}
            """)
        #expect(try published(site) == ["_posts/2020-01-01-offen.md", "entwurf/_posts/2020-01-03-doch.md", "team/_posts/2020-01-04-t.md"])
        let reader = try SiteReader(root: site.root)
        let files = try reader.postFiles()
        let team = try reader.post(from: files.last!, contents: reader.contents(of: files.last!))
        #expect(team.authors == ["Team"])  // the longer path takes precedence
        #expect(team.tags == ["Eigen"])    // the post's own front matter wins
        let first = try reader.post(from: files[0], contents: reader.contents(of: files[0]))
        #expect(first.authors == ["Redaktion"])
    }

    @Test func linksOutOfTheSiteAreNotFollowed() throws {
        let site = try TemporarySite()
        let outside = try TemporarySite()
        try site.write("_posts/2020-01-01-offen.md", TemporarySite.post())
        try outside.write("geheim.md", TemporarySite.post())
        try site.write("texte/2020-01-03-drinnen.md", TemporarySite.post())
        try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("_posts/2020-01-02-draussen.md").path,
                                                   withDestinationPath: outside.root.appendingPathComponent("geheim.md").path)
        try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("_posts/2020-01-03-drinnen.md").path,
                                                   withDestinationPath: site.root.appendingPathComponent("texte/2020-01-03-drinnen.md").path)
        try FileManager.default.createSymbolicLink(atPath: site.root.appendingPathComponent("fremd").path,
                                                   withDestinationPath: outside.root.path)
        try outside.write("_posts/2020-01-04-fremd.md", TemporarySite.post())
        #expect(try published(site) == ["_posts/2020-01-01-offen.md", "_posts/2020-01-03-drinnen.md"])
    }

    @Test func aBrokenRetractionIsSeenInTheRawLines() {
        func retracted(_ text: String) -> Bool { SiteReader.mayBeRetracted(Data(text.utf8)) }
        #expect(retracted("---\ntitle: \"kaputt\npublished: false\n---\nText"))
        #expect(retracted("---\ntitle: x: y: z\npublished:\n---\n"))
        #expect(retracted("---\n  draft: true\ntitle: [\n---\n"))
        #expect(retracted("+++\ntitle = \"x\ndraft = true\n+++\n"))
        #expect(!retracted("---\ntitle: \"kaputt\n---\npublished: false steht im Text"))
        #expect(!retracted("---\ntitle: \"kaputt\npublished: true\n---\n"))
    }

    /// YAML whose aliases nest `levels` deep, nine uses each: the field
    /// `levels` letters after `a` stands for 9^levels values, in a few hundred bytes.
    static func aliasBomb(levels: Int, startingAt first: Character = "a") -> (yaml: String, fields: [String]) {
        let names = (0..<levels).map { String(Character(UnicodeScalar(first.asciiValue! + UInt8($0)))) }
        var yaml = "\(names[0]): &\(names[0]) [" + Array(repeating: "\"lol\"", count: 9).joined(separator: ",") + "]"
        for (previous, name) in zip(names, names.dropFirst()) {
            yaml += "\n\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]"
        }
        return (yaml, names)
    }

    private func readPost(_ text: String) throws -> (Post, file: SiteReader.PostFile) {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-bombe.md", text)
        let reader = try SiteReader(root: site.root)
        let file = try #require(try reader.postFiles().first)
        return (try reader.post(from: file, contents: reader.contents(of: file)), file)
    }

    /// Jekyll's Ruby shares an alias's value instead of copying it, so it reads and
    /// publishes such a post: so do we, leaving out only the fields that expand
    /// past the limit (f, 9^6 values, and after it), which no reading of a post uses.
    @Test func anAliasBombInAFieldNobodyReadsLeavesThePostReadable() throws {
        let bomb = Self.aliasBomb(levels: 9)
        let (post, _) = try readPost("---\ntitle: Bombe\n\(bomb.yaml)\ntags: [Sicherheit]\nimage: /a.jpg\n---\nText über Bomben.\n")
        #expect(post.title == "Bombe")
        #expect(post.tags == ["Sicherheit"])
        #expect(post.body.contains("Text über Bomben"))
        #expect(post.frontMatter["image"] == .string("/a.jpg"))
        #expect(post.frontMatter["e"] != nil)  // 9^5 values: within the limit
        #expect(Set(post.frontMatter.keys).isDisjoint(with: ["f", "g", "h", "i"]))
    }

    /// A field the reading uses cannot be left out: the post is refused, naming its line.
    @Test func anAliasBombInAFieldThatIsReadIsRefusedWithItsLine() throws {
        let bomb = Self.aliasBomb(levels: 7)
        for field in ["tags", "published", "title"] {
            let text = "---\ntitle: Bombe\n\(bomb.yaml)\n\(field): *g\n---\nText\n"
            #expect {
                try readPost(text)
            } throws: { error in
                guard case let .invalidFrontMatter(path, line, reason)? = error as? SiteError else { return false }
                return path == "_posts/2020-01-01-bombe.md" && line == 10 && reason.contains("values")
            }
        }
    }

    /// Fields left out still cost the values made before the limit: past
    /// ``FrontMatter/maxValuesMade`` in all, the post is refused.
    @Test func manyAliasBombsAreRefused() throws {
        let bomb = Self.aliasBomb(levels: 6)
        let uses = (0..<12).map { "x\($0): [" + Array(repeating: "*f", count: 9).joined(separator: ",") + "]" }
        #expect {
            try readPost("---\ntitle: Bombe\n\(bomb.yaml)\n\(uses.joined(separator: "\n"))\n---\nText\n")
        } throws: { error in
            guard case let .invalidFrontMatter(_, line, reason)? = error as? SiteError else { return false }
            return line != nil && reason.contains("values")
        }
    }
}
