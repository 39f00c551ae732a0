import Foundation

/// Reads the `authors`/`tags` columns of every hit. Foundation's decoder takes
/// tens of microseconds per call on Linux, which showed at thousands of searches
/// a second.
enum JSONText {
    /// A JSON array of strings, as the index stores authors and tags.
    static func stringArray(_ text: String) -> [String] {
        if let fast = parseStringArray(Array(text.utf8)) { return fast }
        return (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    private static func parseStringArray(_ bytes: [UInt8]) -> [String]? {
        var index = 0
        func skipSpace() { while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 } }
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { return nil }
        index += 1
        var strings: [String] = []
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { return strings }
        while index < bytes.count {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let string = parseString(bytes, &index) else { return nil }
            strings.append(string)
            skipSpace()
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "]") { return strings }
            guard bytes[index] == UInt8(ascii: ",") else { return nil }
            index += 1
        }
        return nil
    }

    /// A string starting at the quote at `index`; only plain escapes, else nil (the slow path decodes).
    private static func parseString(_ bytes: [UInt8], _ index: inout Int) -> String? {
        index += 1
        var utf8: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: utf8, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                guard index + 1 < bytes.count else { return nil }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""): utf8.append(0x22)
                case UInt8(ascii: "\\"): utf8.append(0x5C)
                case UInt8(ascii: "/"): utf8.append(0x2F)
                case UInt8(ascii: "n"): utf8.append(0x0A)
                case UInt8(ascii: "t"): utf8.append(0x09)
                case UInt8(ascii: "r"): utf8.append(0x0D)
                default: return nil  // \u, \b, \f: rare, left to JSONDecoder
                }
                index += 2
                continue
            }
            utf8.append(byte)
            index += 1
        }
        return nil
    }
}
