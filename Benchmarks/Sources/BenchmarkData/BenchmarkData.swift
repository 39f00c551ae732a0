import Foundation

/// Benchmark inputs from `../shared` (or `$VOLLTEXT_SHARED`): real posts and
/// the Snowball German word list. They are read, never copied into the project.
public enum BenchmarkData {
    public static let shared: URL = {
        if let path = ProcessInfo.processInfo.environment["VOLLTEXT_SHARED"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        return URL(fileURLWithPath: #filePath)  // Benchmarks/Sources/BenchmarkData/…
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared", isDirectory: true)
    }()

    /// The text of every post under `corpus/`, front matter and Markdown left in:
    /// a crude extraction is enough to measure the analyzer.
    public static func postTexts() -> [[UInt8]] {
        let corpus = shared.appendingPathComponent("corpus")
        guard let files = FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil) else {
            fatalError("no corpus at \(corpus.path): set VOLLTEXT_SHARED")
        }
        return files.compactMap { $0 as? URL }
            .filter { ["md", "markdown"].contains($0.pathExtension) }
            .sorted { $0.path < $1.path }
            .compactMap { try? Array(Data(contentsOf: $0)) }
    }

    /// The Snowball vocabulary, one word per line, as Unicode scalars.
    public static func vocabulary() -> [[UInt32]] {
        let file = shared.appendingPathComponent("stemmer/snowball-german/voc.txt")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else {
            fatalError("no word list at \(file.path): set VOLLTEXT_SHARED")
        }
        return text.split(separator: "\n").map { $0.unicodeScalars.map(\.value) }
    }
}
