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

    @Test func aliasBombsAreRefusedWithTheirLine() throws {
        var yaml = "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"
        var previous = "a"
        for name in ["b", "c", "d", "e", "f", "g", "h", "i"] {
            yaml += "\n\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]"
            previous = name
        }
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-bombe.md", "---\ntitle: Bombe\n\(yaml)\n---\nText\n")
        let reader = try SiteReader(root: site.root)
        let file = try #require(try reader.postFiles().first)
        #expect {
            try reader.post(from: file, contents: reader.contents(of: file))
        } throws: { error in
            guard case let .invalidFrontMatter(path, line, reason)? = error as? SiteError else { return false }
            return path == file.path && line != nil && reason.contains("values")
        }
    }
}
