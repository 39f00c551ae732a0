import Foundation
import Testing
import VolltextTestSupport

/// Runs the built `volltext` binary, which `swift test` builds beside the tests.
private func volltext(_ arguments: [String], input: Data = Data()) throws -> (status: Int32, output: Data, error: String) {
    let binary = URL(fileURLWithPath: CommandLine.arguments[0])
        .deletingLastPathComponent().appendingPathComponent("volltext")
    let process = Process()
    process.executableURL = FileManager.default.fileExists(atPath: binary.path)
        ? binary
        : URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../.build/debug/volltext").standardized
    process.arguments = arguments
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
