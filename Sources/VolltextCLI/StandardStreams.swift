#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered byte output to a file descriptor, so that streaming commands write
/// in large blocks rather than one system call per line.
final class ByteWriter {
    private let descriptor: Int32
    private var buffer: [UInt8] = []

    init(descriptor: Int32 = 1) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 16 { flush() }
    }

    func write(_ string: String) {
        var string = string
        string.withUTF8 { write($0) }
    }

    func flush() {
        buffer.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written <= 0 { return }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    deinit { flush() }
}

/// Reads a file descriptor line by line in large blocks: a line's bytes are
/// handed out without its `\n` (or `\r\n`) and valid only inside the callback.
struct LineReader {
    let descriptor: Int32

    init(descriptor: Int32 = 0) { self.descriptor = descriptor }

    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        var pending: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count <= 0 { break }
            // Only the new block can hold a newline: `pending` before it has none.
            let scanFrom = pending.count
            pending.append(contentsOf: block[0..<count])
            var lineStart = 0
            try pending.withUnsafeBufferPointer { bytes in
                for index in scanFrom..<bytes.count where bytes[index] == UInt8(ascii: "\n") {
                    try body(Self.trimmingCarriageReturn(UnsafeBufferPointer(rebasing: bytes[lineStart..<index])))
                    lineStart = index + 1
                }
            }
            pending.removeFirst(lineStart)
        }
        if !pending.isEmpty {
            try pending.withUnsafeBufferPointer { try body(Self.trimmingCarriageReturn($0)) }
        }
    }

    /// All of the input, for commands that read one text.
    func readAll() -> [UInt8] {
        var all: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count <= 0 { break }
            all.append(contentsOf: block[0..<count])
        }
        return all
    }

    private static func trimmingCarriageReturn(_ line: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        line.last == UInt8(ascii: "\r") ? UnsafeBufferPointer(rebasing: line.dropLast()) : line
    }
}

/// Writes a message line to standard error.
func printError(_ message: String) {
    let writer = ByteWriter(descriptor: 2)
    writer.write(message + "\n")
}
