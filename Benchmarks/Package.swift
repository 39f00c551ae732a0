// swift-tools-version: 6.1
import PackageDescription

// A package of its own, so that users and CI never build the benchmark harness.
// Run with `swift package --disable-sandbox benchmark` from this folder.
let package = Package(
    name: "VolltextBenchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "Volltext", path: "../"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Loads the real posts and the Snowball word list from ../shared.
        .target(name: "BenchmarkData", path: "Sources/BenchmarkData"),
        .executableTarget(
            name: "AnalyzerBenchmarks",
            dependencies: [
                "BenchmarkData",
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VolltextAnalysis", package: "Volltext"),
            ],
            path: "Benchmarks/AnalyzerBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Prints analyzer MB/s and stemmer words/s as plain numbers, for scripts
        // that compare Volltext with a reference in the same run.
        .executableTarget(
            name: "throughput",
            dependencies: ["BenchmarkData", .product(name: "VolltextAnalysis", package: "Volltext")],
            path: "Sources/Throughput"
        ),
        // Writes a synthetic site of N posts recombined from the real ones.
        .executableTarget(
            name: "make-site",
            dependencies: ["BenchmarkData", .product(name: "VolltextSite", package: "Volltext")],
            path: "Sources/MakeSite"
        ),
        // Times one index build, no-op reindex or one-post change, with peak memory.
        .executableTarget(
            name: "index-benchmark",
            dependencies: [
                .product(name: "VolltextIndex", package: "Volltext"),
                .product(name: "VolltextSite", package: "Volltext"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Sources/IndexBenchmark"
        ),
        // Latency of a mix of queries with snippets and facets: p50, p99.
        .executableTarget(
            name: "search-benchmark",
            dependencies: [.product(name: "VolltextIndex", package: "Volltext")],
            path: "Sources/SearchBenchmark"
        ),
    ]
)
