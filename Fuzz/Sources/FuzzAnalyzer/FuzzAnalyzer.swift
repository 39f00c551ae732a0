import VolltextAnalysis

/// Every token's byte range must lie on scalar boundaries inside the text, and
/// positions must never go backwards.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAnalyzer(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let utf8 = Array(text.utf8)
    for form in [GermanAnalyzer.TermForm.stemmed, .folded] {
        var lastPosition = -1
        for token in GermanAnalyzer().tokens(in: text, form: form, prefixForms: true) {
            precondition(token.start >= 0 && token.start <= token.end && token.end <= utf8.count, "range out of the text")
            precondition(token.start == utf8.count || utf8[token.start] & 0xC0 != 0x80, "range starts inside a scalar")
            precondition(token.position >= lastPosition, "positions go backwards")
            lastPosition = token.position
        }
    }
    return 0
}
