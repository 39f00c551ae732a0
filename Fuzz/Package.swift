// swift-tools-version: 6.1
import PackageDescription

// libFuzzer targets, a package of their own so that users and CI never build
// them. Built and run by run.sh (swift build --sanitize=fuzzer,address).
let package = Package(
    name: "VolltextFuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(name: "Volltext", path: "../")],
    targets: [
        // The German analyzer on arbitrary bytes.
        .executableTarget(
            name: "FuzzAnalyzer",
            dependencies: [.product(name: "VolltextAnalysis", package: "Volltext")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        // A post file (front matter and body) through the Jekyll and the Hugo reader.
        .executableTarget(
            name: "FuzzSiteReader",
            dependencies: [.product(name: "VolltextSite", package: "Volltext")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
        // The query parser and the FTS5 expression it renders.
        .executableTarget(
            name: "FuzzQuery",
            dependencies: [
                .product(name: "VolltextIndex", package: "Volltext"),
                .product(name: "VolltextAnalysis", package: "Volltext"),
            ],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]),
    ]
)
