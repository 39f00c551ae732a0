import VolltextAnalysis
import VolltextIndex

/// A query parses or throws a QueryError; a parsed one renders an expression
/// whose quotes are balanced (so FTS5 can never read user text as syntax).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzQuery(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let query = try? SearchQuery(parsing: text) else { return 0 }
    let analyzer = GermanAnalyzer(forQueries: true)
    for requireAll in [true, false] {
        guard let expression = query.matchExpression(analyzer: analyzer, requireAll: requireAll) else { continue }
        precondition(expression.utf8.filter { $0 == UInt8(ascii: "\"") }.count % 2 == 0, "unbalanced quotes")
    }
    return 0
}
