// swift-tools-version: 6.1
import PackageDescription

// Modules, with arrows pointing one way:
//   VolltextAnalysis (German analyzer, no SQLite) ← VolltextCLI ← volltext (executable)
// Later issues add content reading, the index and the server as their own modules.
let package = Package(
    name: "Volltext",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "VolltextAnalysis", targets: ["VolltextAnalysis"]),
        .executable(name: "volltext", targets: ["volltext"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .target(name: "VolltextAnalysis"),
        .target(
            name: "VolltextCLI",
            dependencies: [
                "VolltextAnalysis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(name: "volltext", dependencies: ["VolltextCLI"]),
        .target(name: "VolltextTestSupport", path: "Tests/VolltextTestSupport"),
        .testTarget(name: "VolltextAnalysisTests", dependencies: ["VolltextAnalysis", "VolltextTestSupport"]),
        .testTarget(name: "VolltextCLITests", dependencies: ["VolltextCLI", "VolltextTestSupport"]),
    ]
)
