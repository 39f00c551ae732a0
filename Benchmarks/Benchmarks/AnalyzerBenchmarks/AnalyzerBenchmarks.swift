import Benchmark
import BenchmarkData
import VolltextAnalysis

// One iteration analyses every real post once (or stems the whole Snowball
// vocabulary once); throughput × corpus size gives MB/s. Setup stays outside
// the measured loop.
let benchmarks: @Sendable () -> Void = {
    let posts = BenchmarkData.postTexts()
    let words = BenchmarkData.vocabulary()
    let megabytes = Double(posts.reduce(0) { $0 + $1.count }) / 1e6
    let metrics: [BenchmarkMetric] = [.wallClock, .throughput, .mallocCountTotal, .peakMemoryResident]

    Benchmark("GermanAnalyzer, all posts (\(String(format: "%.2f", megabytes)) MB)",
              configuration: .init(metrics: metrics, maxDuration: .seconds(10), maxIterations: 200)) { benchmark in
        let analyzer = GermanAnalyzer()
        var terms = 0
        for _ in benchmark.scaledIterations {
            for post in posts {
                post.withUnsafeBufferPointer { analyzer.analyze(utf8: $0) { _ in terms += 1 } }
            }
        }
        blackHole(terms)
    }

    Benchmark("SnowballGermanStemmer, vocabulary (\(words.count) words)",
              configuration: .init(metrics: metrics, maxDuration: .seconds(10), maxIterations: 200)) { benchmark in
        let stemmer = SnowballGermanStemmer()
        var total = 0
        for _ in benchmark.scaledIterations {
            for word in words {
                total &+= word.withUnsafeBufferPointer { stemmer.stem(scalars: $0.baseAddress!, count: $0.count) }
            }
        }
        blackHole(total)
    }
}
