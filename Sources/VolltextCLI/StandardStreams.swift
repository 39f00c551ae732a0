#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Buffered byte output to a file descriptor, so that streaming commands write
/// in large blocks rather than one system call per line. A failed write (a
/// closed pipe, a full disk) is remembered and reported by ``finish()``: a
/// command whose output was lost must not exit 0.
final class ByteWriter {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    /// The `errno` of the first failed write.
    private(set) var failure: Int32?

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
            while offset < raw.count, failure == nil {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 && errno == EINTR { continue }
                if written <= 0 {
                    failure = written < 0 ? errno : EIO
                    return
                }
                offset += written
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes, and throws if any write failed.
    func finish() throws(OutputError) {
        flush()
        if let failure { throw OutputError(code: failure) }
    }

    deinit { flush() }
}

/// Standard output could not be written.
struct OutputError: Error, CustomStringConvertible {
    let code: Int32
    var description: String { "cannot write standard output: " + String(cString: strerror(code)) }
}

/// Standard input could not be read.
struct InputError: Error, CustomStringConvertible {
    let code: Int32
    var description: String { "cannot read standard input: " + String(cString: strerror(code)) }
}

/// Every command's standard output, so that one check at the end covers all of it.
nonisolated(unsafe) let standardOutput = ByteWriter(descriptor: 1)

/// Writes a line to standard output.
func printOutput(_ line: String) {
    standardOutput.write(line + "\n")
}

/// Flushes standard output; a lost write ends the command with exit status 74
/// (sysexits' EX_IOERR, see ``CommandFailure``).
func finishOutput() throws {
    try standardOutput.finish()
}

/// Reads a file descriptor line by line in large blocks: a line's bytes are
/// handed out without its `\n` (or `\r\n`) and valid only inside the callback.
struct LineReader {
    let descriptor: Int32

    init(descriptor: Int32 = 0) { self.descriptor = descriptor }

    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        var pending: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }  // a signal, not the end of the input
            if count < 0 { throw InputError(code: errno) }
            if count == 0 { break }
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
    func readAll() throws -> [UInt8] {
        var all: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = block.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count < 0 { throw InputError(code: errno) }
            if count == 0 { break }
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

/// A file name as printed on a terminal: control characters (ESC, newline, …)
/// escaped as JSON escapes them, so that a hostile name cannot rewrite the screen.
func printable(_ text: String) -> String {
    var result = ""
    for scalar in text.unicodeScalars {
        if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
            result += String(format: "\\u%04x", scalar.value)
        } else {
            result.unicodeScalars.append(scalar)
        }
    }
    return result
}
