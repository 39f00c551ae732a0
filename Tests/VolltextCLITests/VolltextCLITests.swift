import Foundation
import Testing
import VolltextTestSupport

/// The built `volltext` binary, which `swift test` builds beside the tests.
func volltextBinary() -> URL {
    let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("volltext")
    if FileManager.default.fileExists(atPath: beside.path) { return beside }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../.build/debug/volltext").standardized
}

/// Runs the `volltext` binary.
private func volltext(_ arguments: [String], input: Data = Data(), environment: [String: String] = [:]) throws -> (status: Int32, output: Data, error: String) {
    let process = Process()
    process.executableURL = volltextBinary()
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    // Write and read on separate threads, so large inputs cannot deadlock on full pipes.
    let writer = Thread {
        stdin.fileHandleForWriting.write(input)
        try? stdin.fileHandleForWriting.close()
    }
    writer.start()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let error = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, output, String(decoding: error, as: UTF8.self))
}

@Suite struct AnalyzeCommandTests {
    @Test func jsonHasTheDocumentedShape() throws {
        let run = try volltext(["analyze", "--json", "Die Bürger*innen"])
        #expect(run.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: run.output) as? [String: Any])
        let tokens = try #require(object["tokens"] as? [[String: Any]])
        #expect(tokens.count == 2)
        #expect(tokens[1]["term"] as? String == "burg")
        #expect(tokens[1]["original"] as? String == "Bürger*innen")
        #expect(tokens[1]["start"] as? Int == 4)
        #expect(tokens[1]["end"] as? Int == 4 + "Bürger*innen".utf8.count)
        #expect(tokens[1]["position"] as? Int == 1)
    }

    @Test func textOutputListsEachTerm() throws {
        let run = try volltext(["analyze", "Open-Data-Portal"])
        let text = String(decoding: run.output, as: UTF8.self)
        #expect(run.status == 0)
        #expect(text.contains("opendataportal"))
        #expect(text.contains("Open-Data-Portal"))
        #expect(text.split(separator: "\n").count == 5)  // header + 4 terms
    }

    @Test func readsStandardInputAndRejectsInvalidUTF8() throws {
        let good = try volltext(["analyze", "--json"], input: Data("Straße".utf8))
        #expect(String(decoding: good.output, as: UTF8.self).contains("\"strass\""))
        let bad = try volltext(["analyze"], input: Data([0x61, 0xFF, 0x62]))
        #expect(bad.status == 65)
        #expect(bad.error.contains("not valid UTF-8"))
    }
}

@Suite struct StemCommandTests {
    @Test func stemsLineByLineLowerCasingFirst() throws {
        let run = try volltext(["stem"], input: Data("Häuser\nSTRASSE\n\nVerwaltungen\r\nMu\u{308}ller".utf8))
        #expect(run.status == 0)
        #expect(String(decoding: run.output, as: UTF8.self) == "haus\nstrass\n\nverwalt\nmull\n")
    }

    @Test func invalidUTF8IsReportedWithItsLineAndExit65() throws {
        let run = try volltext(["stem"], input: Data("gut\n".utf8 + [0xFF, 0xFE] + Data("\nhaus\n".utf8)))
        #expect(run.status == 65)
        #expect(run.error.contains("line 2"))
        #expect(String(decoding: run.output, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).count == 4)
    }

    @Test func streamsManyLinesAndHugeWords() throws {
        let words = (0..<200_000).map { $0 % 2 == 0 ? "verwaltungen" : "häuser" }
        let huge = String(repeating: "straße", count: 20_000)
        let run = try volltext(["stem"], input: Data((words + [huge]).joined(separator: "\n").utf8))
        #expect(run.status == 0)
        let lines = String(decoding: run.output, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 200_001)
        #expect(lines[0] == "verwalt" && lines[1] == "haus" && lines[199_999] == "haus")
        #expect(lines[200_000].hasPrefix("strassestrasse"))
    }

    @Test(.enabled(if: SharedData.isUsable, Comment(rawValue: SharedData.skipMessage)))
    func agreesWithSnowballOnTheVocabulary() throws {
        let words = try Data(contentsOf: SharedData.url("stemmer/snowball-german/voc.txt"))
        let expected = try Data(contentsOf: SharedData.url("stemmer/snowball-german/output.txt"))
        let run = try volltext(["stem"], input: words)
        #expect(run.status == 0)
        #expect(run.output == expected)
    }
}

private func jsonObject(_ data: Data) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
}

@Suite struct IndexCommandTests {
    private func site(posts: Int) throws -> TemporarySite {
        let site = try TemporarySite()
        for n in 1...posts {
            try site.write("_posts/2020-02-\(String(format: "%02d", n))-p\(n).md", TemporarySite.post(title: "Post \(n)"))
        }
        return site
    }

    @Test func jsonReportHasTheDocumentedShape() throws {
        let site = try site(posts: 3)
        let run = try volltext(["index", site.root.path, "--db", site.indexPath, "--json"])
        #expect(run.status == 0, "\(run.error)")
        let report = try jsonObject(run.output)
        #expect(report["added"] as? Int == 3)
        #expect(report["updated"] as? Int == 0)
        #expect(report["removed"] as? Int == 0)
        #expect(report["unchanged"] as? Int == 0)
        #expect((report["rejected"] as? [Any])?.isEmpty == true)
        #expect(report["seconds"] is Double)
        let stats = try jsonObject(try volltext(["stats", "--db", site.indexPath, "--json"]).output)
        #expect(stats["posts"] as? Int == 3)
        #expect(stats["tags"] as? Int == 1)
    }

    @Test func malformedPostExitsWith65AndNamesFileAndLine() throws {
        let site = try site(posts: 2)
        try site.write("_posts/2020-03-01-kaputt.md", "---\ntitle: x\ndate: gestern\n---\nText")
        let run = try volltext(["index", site.root.path, "--db", site.indexPath, "--json"])
        #expect(run.status == 65)
        let rejected = try #require(try jsonObject(run.output)["rejected"] as? [[String: Any]])
        #expect(rejected.count == 1)
        #expect(rejected.first?["path"] as? String == "_posts/2020-03-01-kaputt.md")
        #expect(rejected.first?["line"] as? Int == 3)
        #expect((rejected.first?["reason"] as? String)?.contains("gestern") == true)
        #expect(run.error.contains("_posts/2020-03-01-kaputt.md:3: "))
        #expect(try jsonObject(try volltext(["stats", "--db", site.indexPath, "--json"]).output)["posts"] as? Int == 2)
    }

    @Test func missingSiteAndForeignDatabaseGiveOneLineErrors() throws {
        let site = try site(posts: 1)
        let missing = try volltext(["index", "/nonexistent/blog", "--db", site.indexPath])
        #expect(missing.status != 0)
        #expect(missing.error.split(separator: "\n").count == 1)
        #expect(missing.error.contains("/nonexistent/blog"))

        try Data("kein SQLite".utf8).write(to: URL(fileURLWithPath: site.indexPath))
        let corrupt = try volltext(["index", site.root.path, "--db", site.indexPath])
        #expect(corrupt.status != 0)
        #expect(corrupt.error.split(separator: "\n").count == 1)
        #expect(try String(contentsOfFile: site.indexPath, encoding: .utf8) == "kein SQLite")
    }

    /// A reindex SIGKILLed at moments spread over its run (from outside, as a
    /// crash or an OOM kill would end it) leaves the previous index intact and usable.
    @Test func killedReindexLeavesThePreviousIndex() throws {
        let site = try site(posts: 20)
        #expect(try volltext(["index", site.root.path, "--db", site.indexPath]).status == 0)
        let body = String(repeating: "Die Verwaltung veröffentlicht offene Daten für alle Bürgerinnen. ", count: 60)
        for n in 1...1500 {
            try site.write("_posts/2021-01-01-neu\(n).md", TemporarySite.post(title: "Neu \(n)", body: body))
        }
        var killedMidway = 0
        for delay in [0.05, 0.2, 0.4, 0.7] {
            let process = Process()
            process.executableURL = volltextBinary()
            process.arguments = ["index", site.root.path, "--db", site.indexPath]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            if process.terminationReason == .uncaughtSignal { killedMidway += 1 }
            let posts = try jsonObject(try volltext(["stats", "--db", site.indexPath, "--json"]).output)["posts"] as? Int
            #expect(posts == 20 || posts == 1520, "after a kill at \(delay) s: \(posts ?? -1) posts")
        }
        #expect(killedMidway > 0)
        let again = try volltext(["index", site.root.path, "--db", site.indexPath, "--json"])
        #expect(again.status == 0)
        #expect(try jsonObject(try volltext(["stats", "--db", site.indexPath, "--json"]).output)["posts"] as? Int == 1520)
    }

    @Test func indexErrorsAreWordedForTheCommandLine() throws {
        let missing = try volltext(["search", "--db", "/nonexistent/volltext.sqlite", "Daten"])
        #expect(missing.status == 1)
        #expect(missing.error == "volltext: no index at /nonexistent/volltext.sqlite: run `volltext index SITE` first\n")
    }
}

@Suite struct SearchCommandTests {
    @Test func jsonShapeAndExitStatuses() throws {
        let site = try TemporarySite()
        try site.write("_posts/2024-01-01-a.md", TemporarySite.post(title: "Straßen", body: "Neue Radwege für die Straße."))
        #expect(try volltext(["index", site.root.path, "--db", site.indexPath]).status == 0)
        let hit = try volltext(["search", "--db", site.indexPath, "--json", "Strasse"])
        #expect(hit.status == 0)
        let results = try jsonObject(hit.output)
        #expect(results["total"] as? Int == 1)
        #expect(Set(results.keys).isSuperset(of: ["query", "total", "offset", "limit", "hits", "facets", "suggestion"]))
        let none = try volltext(["search", "--db", site.indexPath, "--json", "Zwiebelkuchen"])
        #expect(none.status == 0)
        #expect(try jsonObject(none.output)["total"] as? Int == 0)
        let bad = try volltext(["search", "--db", site.indexPath, "--limit", "500", "Strasse"])
        #expect(bad.status == 64)
        #expect(bad.error.contains("limit"))
        let text = try volltext(["search", "--db", site.indexPath, "Radweg"])
        #expect(String(decoding: text.output, as: UTF8.self).contains("1. Straßen"))
    }
}

@Suite struct OutputAndArguments {
    /// Output that cannot be written (here a full disk) is an error, not exit 0.
    @Test func aLostWriteIsExitStatus74() throws {
        let process = Process()
        process.executableURL = volltextBinary()
        process.arguments = ["analyze", "--json", "Offene Daten"]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        let stderr = Pipe()
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 74)
        #expect(String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .contains("cannot write standard output"))
    }

    /// A file name with ESC or a newline is printed escaped in rejection lines.
    @Test func controlCharactersInFileNamesAreEscaped() throws {
        let site = try TemporarySite()
        try site.write("_posts/2020-01-01-\u{1B}[2Jboese\nname.md", "kein front matter\n")
        let run = try volltext(["index", site.root.path, "--db", site.indexPath])
        #expect(run.status == 65)
        #expect(!run.error.contains("\u{1B}"))
        #expect(run.error.contains("\\u001b[2Jboese\\u000aname.md:1:"))
    }

    @Test(arguments: ["inf", "nan", "-1", "1e300"])
    func watchIntervalMustBeARealDuration(_ value: String) throws {
        let run = try volltext(["serve", "--site", ".", "--watch", "--watch-interval", value])
        #expect(run.status == 64)
        #expect(run.error.contains("--watch-interval"))
    }
}
