extension StringProtocol {
    /// Without leading and trailing whitespace and newlines. The standard
    /// library's own loop: Foundation's `trimmingCharacters` bridges through
    /// NSString on Linux, which showed up as a seventh of index time.
    func trimmed() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }

    /// Whether the text contains an ASCII byte, without Foundation's substring search.
    func containsByte(_ ascii: Unicode.Scalar) -> Bool {
        utf8.contains(UInt8(ascii: ascii))
    }
}
