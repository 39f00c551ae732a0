import Foundation

extension StringProtocol {
    /// Without leading and trailing whitespace and newlines. The standard
    /// library's own loop: Foundation's `trimmingCharacters` bridges through
    /// NSString on Linux, which showed up as a seventh of index time.
    func trimmed() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        return String(self[first...last])
    }

    /// Whether the text contains an ASCII byte, without Foundation's substring
    /// search: `memchr` over the UTF-8 where the string keeps it in one piece
    /// (the generic `contains` was 4% of reading a post).
    func containsByte(_ ascii: Unicode.Scalar) -> Bool {
        let byte = UInt8(ascii: ascii)
        return utf8.withContiguousStorageIfAvailable { $0.containsByte(byte) } ?? utf8.contains(byte)
    }
}

extension [UInt8] {
    /// Whether the bytes contain `byte`, by `memchr`.
    func containsByte(_ byte: UInt8) -> Bool {
        withUnsafeBufferPointer { $0.containsByte(byte) }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether the bytes contain `byte`, by `memchr`.
    func containsByte(_ byte: UInt8) -> Bool {
        baseAddress.map { memchr($0, Int32(byte), count) != nil } ?? false
    }
}
