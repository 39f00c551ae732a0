import Foundation
import GRDB
import VolltextIndex
import VolltextSite
#if canImport(Glibc)
import Glibc
#endif

// Usage: index-benchmark build|noop|change-one|bare SITE DB [german|unicode61]
//        index-benchmark read SITE -
//
// One measurement per process, so that peak memory is this run's alone.
// Prints one JSON line: wall and CPU seconds, posts, MB of post files, peak resident MB,
// and the index report's counts.
//   build       deletes DB and indexes SITE from scratch with the tokenizer
//   noop        re-indexes an up-to-date DB (nothing changed)
//   change-one  edits one post, re-indexes, and restores the post
//   read        only reads and parses every post, on one thread (DB unused)
//   bare        the reference: reads and extracts every post first (not timed),
//               then times SQLite alone inserting that text into an FTS5 table
//               with its built-in unicode61 tokenizer, in one transaction

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
    print("usage: index-benchmark build|noop|change-one SITE DB [german|unicode61]")
    exit(64)
}
let (mode, site, db) = (arguments[1], URL(fileURLWithPath: arguments[2]), arguments[3])
let tokenizer: SearchIndex.Tokenizer = arguments.count > 4 && arguments[4] == "unicode61" ? .unicode61 : .german

/// User plus system CPU seconds so far: less disturbed than wall time by
/// other work on a shared machine.
func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

func peakResidentMB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // kilobytes on Linux
}

let reader = try SiteReader(root: site)

if mode == "read" {
    // Reading alone, on this one thread: what the index's reading threads do
    // for each post before any analysis (file, front matter, Markdown to text).
    let start = Date()
    let cpuStart = cpuSeconds()
    var posts = 0, bytes = 0
    for file in try reader.postFiles() {
        let contents = try reader.contents(of: file)
        bytes += contents.count
        guard let post = try? reader.post(from: file, contents: contents), reader.exclusionReason(for: post) == nil else { continue }
        posts += 1
    }
    let seconds = Date().timeIntervalSince(start)
    print(String(format: #"{"mode": "read", "seconds": %.3f, "cpu_seconds": %.3f, "posts": %d, "mb": %.1f, "posts_per_s": %.0f, "mb_per_s": %.2f, "peak_mb": %.0f}"#,
                 seconds, cpuSeconds() - cpuStart, posts, Double(bytes) / 1e6, Double(posts) / seconds,
                 Double(bytes) / 1e6 / seconds, peakResidentMB()))
    exit(0)
}

if mode == "bare" {
    var texts: [[String]] = []
    for file in try reader.postFiles() {
        guard let post = try? reader.post(from: file, contents: reader.contents(of: file)),
              reader.exclusionReason(for: post) == nil else { continue }
        texts.append([post.title, post.tags.joined(separator: "\n"), post.description ?? "", post.body, post.code])
    }
    let bytes = texts.reduce(0) { $0 + $1.reduce(0) { $0 + $1.utf8.count } }
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
    let queue = try DatabaseQueue(path: db)
    let start = Date()
    let cpuStart = cpuSeconds()
    try queue.write { db in
        try db.execute(sql: """
            CREATE VIRTUAL TABLE post_text USING fts5(title, tags, description, body, code,
                                                      tokenize='unicode61 remove_diacritics 2')
            """)
        let insert = try db.makeStatement(sql: "INSERT INTO post_text VALUES (?, ?, ?, ?, ?)")
        for text in texts { try insert.execute(arguments: StatementArguments(text)) }
    }
    let seconds = Date().timeIntervalSince(start)
    print(String(format: #"{"mode": "bare", "tokenizer": "unicode61", "seconds": %.3f, "cpu_seconds": %.3f, "posts": %d, "mb": %.1f, "posts_per_s": %.0f, "mb_per_s": %.2f, "peak_mb": %.0f, "added": %d, "updated": 0, "unchanged": 0}"#,
                 seconds, cpuSeconds() - cpuStart, texts.count, Double(bytes) / 1e6, Double(texts.count) / seconds,
                 Double(bytes) / 1e6 / seconds, peakResidentMB(), texts.count))
    exit(0)
}

var restore: (() throws -> Void)?
switch mode {
case "build":
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
case "change-one":
    let file = try reader.postFiles()[0]
    let url = site.appendingPathComponent(file.path)
    let original = try Data(contentsOf: url)
    try (original + Data("\nEin geänderter Satz über Haushaltsplanung.\n".utf8)).write(to: url)
    restore = { try original.write(to: url) }
default:
    break
}
let bytes = try reader.postFiles().reduce(0) { total, file in
    total + ((try? FileManager.default.attributesOfItem(atPath: site.appendingPathComponent(file.path).path)[.size] as? Int) ?? 0)
}
let start = Date()
let cpuStart = cpuSeconds()
let report = try SearchIndex.updating(path: db, from: reader, tokenizer: tokenizer).report
let seconds = Date().timeIntervalSince(start)
let cpu = cpuSeconds() - cpuStart
try restore?()
let posts = report.added + report.updated + report.unchanged
print(String(format: #"{"mode": "%@", "tokenizer": "%@", "seconds": %.3f, "cpu_seconds": %.3f, "posts": %d, "mb": %.1f, "posts_per_s": %.0f, "mb_per_s": %.2f, "peak_mb": %.0f, "added": %d, "updated": %d, "unchanged": %d}"#,
             mode, tokenizer == .german ? "german" : "unicode61", seconds, cpu, posts, Double(bytes) / 1e6,
             Double(posts) / seconds, Double(bytes) / 1e6 / seconds, peakResidentMB(),
             report.added, report.updated, report.unchanged))
