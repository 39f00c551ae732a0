/// The 64-bit FNV-1a hash: one multiply per value, good spread for short keys.
/// Used for the analyzer's hash tables (words as scalars) and to tell changed
/// files from unchanged ones (bytes); not for anything an attacker may aim at
/// beyond a slower lookup.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    public init() {}

    @inline(__always)
    public mutating func combine(_ unit: UInt64) {
        value = (value ^ unit) &* 0x100_0000_01b3
    }

    @inline(__always)
    public mutating func combine(bytes: some Sequence<UInt8>) {
        for byte in bytes { combine(UInt64(byte)) }
    }

    /// The same, over raw bytes (a file's contents): a plain loop, no iterator.
    public mutating func combine(bytes: UnsafeRawBufferPointer) {
        var hash = value
        for index in 0..<bytes.count { hash = (hash ^ UInt64(bytes[index])) &* 0x100_0000_01b3 }
        value = hash
    }

    /// The hash of a word's scalars, folded to fit a table of `mask + 1` slots.
    @inline(__always)
    static func slot(of scalars: UnsafeBufferPointer<UInt32>, mask: Int) -> Int {
        var hash = FNV1a()
        for scalar in scalars { hash.combine(UInt64(scalar)) }
        return Int(truncatingIfNeeded: hash.value ^ (hash.value >> 29)) & mask
    }
}
