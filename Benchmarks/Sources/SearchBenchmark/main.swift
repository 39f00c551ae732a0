import Foundation
import VolltextIndex

// Usage: search-benchmark INDEX [ROUNDS]
//
// Runs a fixed mix of 1–3 word German queries (plus a few phrases, prefixes
// and tag filters), each ROUNDS times (default 5), single-threaded, with
// snippets and tag facets as the API returns them, and prints one JSON line:
// requests, p50/p90/p99/max latency in milliseconds and the mean hit count.
// With VOLLTEXT_PER_QUERY=1 it also prints each query's median and total to
// stderr; VOLLTEXT_ONLY=TEXT runs only the queries whose text is TEXT.

let arguments = CommandLine.arguments
guard arguments.count >= 2 else {
    print("usage: search-benchmark INDEX [ROUNDS]")
    exit(64)
}
let index = try SearchIndex(path: arguments[1])
try index.prepareForSearch()  // as the server does before it serves: the post table and vocabulary
let rounds = arguments.count > 2 ? Int(arguments[2]) ?? 5 : 5

var queries: [SearchRequest] = [
    "Daten", "Open Data", "Transparenz", "Verwaltung", "Informationsfreiheit", "Haushalt", "Berlin",
    "Bürgerbeteiligung", "Buergerbeteiligung", "offene Daten Kommunen", "Open-Data-Gesetz", "Lizenzen",
    "Jugend hackt", "Wikipedia", "Hackathon Berlin", "Verkehr Bahn", "Wahlen", "Bundestag Gesetz",
    "Stellenausschreibung", "Koeln", "Schule Bildung", "Wissenschaft", "Umwelt Daten", "Korruption",
    "Parlament Abgeordnete", "Kultur Museen", "Open Knowledge Foundation", "Rohstoffe", "Städte",
    "Europäische Union", "Verwaltungen", "Informationsfreiheitsgesetz", "Urheberrecht", "Datenschutz",
    "public procurement", "open government", "EU subsidies", "freie Software", "Geodaten", "Statistik",
    "\"Open Data Day\"", "\"Recht auf Information\"", "Transparenzgesetz*", "Bürger*", "Haushaltsdat*",
    "Daten -Berlin", "Transparenz OR Informationsfreiheit", "Veranstaltung", "Newsletter", "Termine",
].map { SearchRequest(query: $0, limit: 10) } + [
    SearchRequest(query: "Daten", tags: ["Open Data"], limit: 10),
    SearchRequest(query: "Transparenz", tags: ["Offene Daten"], limit: 10),
]

// VOLLTEXT_DEEP=1: broad queries at growing offsets, one JSON line per offset
// with the median over the queries and rounds; offset 0 is the reference.
if ProcessInfo.processInfo.environment["VOLLTEXT_DEEP"] == "1" {
    let broad: [(String, SearchRequest.Sort)] = [("Daten", .date), ("Daten", .relevance), ("Open Data", .date), ("die", .date)]
    for offset in [0, 10, 100, 1_000, 5_000, 10_000] {
        var times: [Double] = []
        var total = 0
        for _ in 0..<rounds {
            for (query, sort) in broad {
                let start = DispatchTime.now().uptimeNanoseconds
                total = max(total, try index.search(SearchRequest(query: query, sort: sort, limit: 10, offset: offset)).total)
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
        }
        times.sort()
        print(String(format: #"{"offset": %d, "p50_ms": %.2f, "max_ms": %.2f, "largest_total": %d}"#,
                     offset, times[times.count / 2], times.last!, total))
    }
    exit(0)
}

// VOLLTEXT_LOAD_MIX=1: the queries of Benchmarks/load.sh (Scripts/queries.lua) instead,
// to tell the search's own cost from the HTTP server's.
if ProcessInfo.processInfo.environment["VOLLTEXT_LOAD_MIX"] == "1" {
    queries = [
        "Daten", "Open Data", "Transparenz", "Informationsfreiheit", "Buergerbeteiligung", "Verwaltungen",
        "Haushalt", "Open-Data-Gesetz", "Jugend hackt", "Lizenzen", "Bahn Aufzug", "Koeln",
        "\"Open Data Day\"", "Transparenzgesetz*", "public procurement", "EITI", "OpenSchufa",
    ].map { SearchRequest(query: $0) } + [
        SearchRequest(query: "Informationsfreiheit", tags: ["Transparenz"]), SearchRequest(query: "Daten", sort: .date),
    ] + ["Wetterdienst*", "Haushalt -Berlin", "Transparenz OR Informationsfreiheit", "Prototype Fund", "Schufa knacken"]
        .map { SearchRequest(query: $0) }
}
if let only = ProcessInfo.processInfo.environment["VOLLTEXT_ONLY"] {
    queries = queries.filter { $0.query == only }
}
var latencies: [Double] = []
var perQuery = [[Double]](repeating: [], count: queries.count)
var totals = [Int](repeating: 0, count: queries.count)
var hits = 0
for _ in 0..<rounds {
    for (number, request) in queries.enumerated() {
        let start = DispatchTime.now().uptimeNanoseconds
        let results = try index.search(request)
        let milliseconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        latencies.append(milliseconds)
        perQuery[number].append(milliseconds)
        totals[number] = results.total
        hits += results.total
    }
}
if ProcessInfo.processInfo.environment["VOLLTEXT_PER_QUERY"] == "1" {
    for (number, request) in queries.enumerated() {
        let median = perQuery[number].sorted()[perQuery[number].count / 2]
        let line = String(format: "%8.2f ms %6d  %@%@\n", median, totals[number], request.query,
                          request.tags.isEmpty ? "" : " tags: \(request.tags)")
        FileHandle.standardError.write(Data(line.utf8))
    }
}
latencies.sort()
let sorted = latencies
func percentile(_ p: Double) -> Double { sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
print(String(format: #"{"requests": %d, "p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f, "mean_ms": %.3f, "mean_total": %.0f}"#,
             latencies.count, percentile(0.5), percentile(0.9), percentile(0.99), latencies.last!,
             latencies.reduce(0, +) / Double(latencies.count),
             Double(hits) / Double(latencies.count)))
