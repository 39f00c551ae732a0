import Foundation
import Testing

/// Whether headless Chromium (Debian package `chromium`) is installed; CI
/// installs it and sets VOLLTEXT_REQUIRE_BROWSER=1, so that there the test
/// runs (and fails) rather than skips.
private let chromiumPresent = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].contains {
    FileManager.default.isExecutableFile(atPath: $0)
}
private let browserRequired = ProcessInfo.processInfo.environment["VOLLTEXT_REQUIRE_BROWSER"] == "1"

@Suite struct BrowserTests {
    /// `Tests/Browser/search_page.py` drives the search page of a running
    /// `volltext serve --site Examples/blog`: it types a query key by key and
    /// checks results, highlighted snippets, facets, filters, the URL state
    /// and a did-you-mean suggestion in the DOM, and saves a screenshot.
    @Test(.enabled(if: chromiumPresent || browserRequired, "needs headless Chromium (apt-get install chromium)"),
          .timeLimit(.minutes(2)))
    func searchPageInHeadlessChromium() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let screenshot = FileManager.default.temporaryDirectory.appendingPathComponent("volltext-search-page.png")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", repository.appendingPathComponent("Tests/Browser/search_page.py").path,
                             volltextBinary().path, repository.appendingPathComponent("Examples/blog").path, screenshot.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let log = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(log)")
        #expect(FileManager.default.fileExists(atPath: screenshot.path))
        print(log)
    }
}
