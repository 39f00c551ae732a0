import BenchmarkData
import Foundation
import VolltextSite

// Usage: make-site POSTS OUTPUT-FOLDER [SEED]
//
// Scales the real posts in ../shared/corpus/okfn-de into a synthetic Jekyll
// site of POSTS posts for benchmarks: each post recombines real titles, tags,
// authors and Markdown paragraphs, chosen by a seeded generator, so the same
// arguments always give the same site. The output is for benchmarks only and
// is never committed (its sentences belong to others).

guard CommandLine.arguments.count >= 3, let count = Int(CommandLine.arguments[1]) else {
    print("usage: make-site POSTS OUTPUT-FOLDER [SEED]")
    exit(64)
}
let output = URL(fileURLWithPath: CommandLine.arguments[2])
var random = SplitMix64(seed: CommandLine.arguments.count > 3 ? UInt64(CommandLine.arguments[3]) ?? 1 : 1)

/// A small, fast, seedable generator (Steele et al.'s SplitMix64).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

// Material from the real posts.
let root = BenchmarkData.shared.appendingPathComponent("corpus/okfn-de")
let reader = try SiteReader(root: root)
var titles: [String] = [], tags: [String] = [], authors: [String] = [], paragraphs: [String] = []
for file in try reader.postFiles() {
    let data = try reader.contents(of: file)
    guard let post = try? reader.post(from: file, contents: data), let text = String(data: data, encoding: .utf8) else { continue }
    titles.append(post.title)
    tags.append(contentsOf: post.tags)
    authors.append(contentsOf: post.authors)
    let parts = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n---\n")
    guard parts.count >= 2 else { continue }
    let body = parts.dropFirst().joined(separator: "\n---\n")
    paragraphs.append(contentsOf: body.components(separatedBy: "\n\n")
        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.filter { $0.count > 40 })
}
tags = Array(Set(tags)).sorted()
authors = Array(Set(authors)).sorted()

func yamlQuoted(_ text: String) -> String {
    "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
}

try? FileManager.default.removeItem(at: output)
var bytes = 0
for n in 0..<count {
    let year = 2010 + Int.random(in: 0..<10, using: &random)
    let month = Int.random(in: 1...12, using: &random), day = Int.random(in: 1...28, using: &random)
    let date = String(format: "%04d-%02d-%02d", year, month, day)
    let postTags = (0..<Int.random(in: 1...4, using: &random)).map { _ in tags.randomElement(using: &random)! }
    let body = (0..<Int.random(in: 4...12, using: &random)).map { _ in paragraphs.randomElement(using: &random)! }
    let text = """
        ---
        title: \(yamlQuoted(titles.randomElement(using: &random)! + " (\(n))"))
        date: \(date) \(String(format: "%02d:%02d:00", n % 24, n % 60))
        author: \(yamlQuoted(authors.randomElement(using: &random)!))
        tags: [\(Array(Set(postTags)).sorted().map(yamlQuoted).joined(separator: ", "))]
        ---

        \(body.joined(separator: "\n\n"))

        """
    let folder = output.appendingPathComponent("_posts/\(year)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try Data(text.utf8).write(to: folder.appendingPathComponent("\(date)-beitrag-\(n).md"))
    bytes += text.utf8.count
}
print("make-site: \(count) posts, \(String(format: "%.1f", Double(bytes) / 1e6)) MB in \(output.path)")
