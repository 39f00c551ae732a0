import BenchmarkData
import Foundation
import VolltextAnalysis

// Usage: throughput analyze|stem [ROUNDS]
// Prints the median over ROUNDS (default 7) of analyzer MB/s over the real
// posts, or stemmer words/s over the Snowball vocabulary; single-threaded.

let arguments = CommandLine.arguments.dropFirst()
let mode = arguments.first ?? "analyze"
let rounds = arguments.dropFirst().first.flatMap(Int.init) ?? 7

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// The median MB/s of `body` run over every real post, ROUNDS times.
func medianMegabytesPerSecond(_ posts: [[UInt8]], _ body: (UnsafeBufferPointer<UInt8>) -> Void) -> Double {
    let bytes = posts.reduce(0) { $0 + $1.count }
    return median((0..<rounds).map { _ in
        Double(bytes) / 1e6 / seconds { for post in posts { post.withUnsafeBufferPointer(body) } }
    })
}

switch mode {
case "analyze":
    let posts = BenchmarkData.postTexts()
    let analyzer = GermanAnalyzer()
    var terms = 0
    let rate = medianMegabytesPerSecond(posts) { analyzer.analyze(utf8: $0, prefixForms: true) { _ in terms += 1 } }
    print(String(format: "analyzer: %.1f MB/s (median of %d rounds over %d posts, %.2f MB, %d terms per round)",
                 rate, rounds, posts.count, Double(posts.reduce(0) { $0 + $1.count }) / 1e6, terms / rounds))
case "ranges":
    let posts = BenchmarkData.postTexts()
    let analyzer = GermanAnalyzer()
    var words = 0
    let rate = medianMegabytesPerSecond(posts) { analyzer.wordRanges(utf8: $0) { _, _ in words += 1 } }
    print(String(format: "word ranges: %.1f MB/s (median of %d rounds, %d words per round)", rate, rounds, words / rounds))
case "stem":
    // Like the C library, start from UTF-8 and end with the stem in UTF-8, so
    // decoding and encoding count on both sides.
    let words = BenchmarkData.vocabulary().map { scalars in
        Array(String(String.UnicodeScalarView(scalars.map { Unicode.Scalar($0)! })).utf8)
    }
    let stemmer = SnowballGermanStemmer()
    let repeats = 20
    var checksum = 0
    let rates = (0..<rounds).map { _ in
        let time = seconds {
            for _ in 0..<repeats {
                for word in words {
                    checksum &+= word.withUnsafeBufferPointer { stemmer.stem(utf8: $0).count }
                }
            }
        }
        return Double(words.count * repeats) / time
    }
    print(String(format: "stemmer: %.2f M words/s (median of %d rounds, %d words × %d, UTF-8 in and out, checksum %d)",
                 median(rates) / 1e6, rounds, words.count, repeats, checksum))
default:
    print("usage: throughput analyze|stem [ROUNDS]")
    exit(64)
}
