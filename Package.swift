// swift-tools-version: 6.1
import PackageDescription

// Modules, one job each, with arrows pointing one way:
//   VolltextAnalysis (German analyzer, no SQLite)
//   VolltextSite (Jekyll or Hugo site → posts: front matter, Markdown to text)
//     ← VolltextIndex (SQLite FTS5 index and queries; uses both above)
//       ← VolltextServer (Hummingbird: JSON API and search page)
//         ← VolltextCLI ← volltext (executable)
let package = Package(
    name: "Volltext",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "VolltextAnalysis", targets: ["VolltextAnalysis"]),
        .library(name: "VolltextSite", targets: ["VolltextSite"]),
        .library(name: "VolltextIndex", targets: ["VolltextIndex"]),
        .executable(name: "volltext", targets: ["volltext"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        .target(name: "VolltextAnalysis"),
        .target(name: "VolltextSite", dependencies: ["Yams", .product(name: "TOMLKit", package: "TOMLKit")]),
        .target(
            name: "VolltextIndex",
            dependencies: [
                "VolltextAnalysis", "VolltextSite",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        .target(name: "VolltextPresentation", dependencies: ["VolltextIndex"]),
        .target(
            name: "VolltextServer",
            dependencies: [
                "VolltextIndex", "VolltextSite", "VolltextPresentation",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            resources: [.copy("Resources")]
        ),
        .target(
            name: "VolltextCLI",
            dependencies: [
                "VolltextAnalysis", "VolltextSite", "VolltextIndex", "VolltextPresentation", "VolltextServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "volltext", dependencies: ["VolltextCLI"]),
        .target(name: "VolltextTestSupport", path: "Tests/VolltextTestSupport"),
        .testTarget(name: "VolltextAnalysisTests", dependencies: ["VolltextAnalysis", "VolltextTestSupport"]),
        .testTarget(name: "VolltextSiteTests", dependencies: ["VolltextSite", "VolltextTestSupport"]),
        .testTarget(
            name: "VolltextIndexTests",
            dependencies: ["VolltextIndex", "VolltextSite", "VolltextTestSupport", .product(name: "GRDB", package: "GRDB.swift")],
            exclude: ["Relevance"]  // read by path: judgments, not a bundle resource
        ),
        .testTarget(
            name: "VolltextServerTests",
            dependencies: [
                "VolltextServer", "VolltextIndex", "VolltextSite", "VolltextTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        .testTarget(
            name: "VolltextPresentationTests",
            dependencies: ["VolltextPresentation", "VolltextIndex", "VolltextSite", "VolltextTestSupport"],
            exclude: ["Pinned"]
        ),
        .testTarget(name: "VolltextCLITests", dependencies: ["VolltextCLI", "VolltextTestSupport"]),
    ]
)
