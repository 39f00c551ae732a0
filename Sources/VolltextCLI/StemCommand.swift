import ArgumentParser
import VolltextAnalysis

/// `volltext stem`: Snowball German stems of words on standard input, one per
/// line and in order, streamed so that any number of lines fits in memory.
struct StemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stem",
        abstract: "Print the Snowball German stem of each word read from standard input.",
        discussion: """
            Reads one word per line, lower-cases it and prints its stem on the same line \
            number of the output. Empty lines stay empty. A line that is not valid UTF-8 \
            is stemmed with U+FFFD in place of the bad bytes, reported on standard error, \
            and makes the exit status 65.
            """
    )

    func run() throws {
        let stemmer = SnowballGermanStemmer()
        let output = standardOutput
        let newline: StaticString = "\n"
        let newlineBytes = UnsafeBufferPointer(start: newline.utf8Start, count: newline.utf8CodeUnitCount)
        var lineNumber = 0
        var invalidLines: [Int] = []
        try LineReader().forEachLine { line in
            lineNumber += 1
            var word = String(validating: line, as: UTF8.self) ?? {
                invalidLines.append(lineNumber)
                return String(decoding: line, as: UTF8.self)
            }()
            word = word.lowercased()
            if !word.utf8.allSatisfy({ $0 < 0x80 }) { word = String(decoding: word._nfcCodeUnits, as: UTF8.self) }
            word.withUTF8 { output.write(stemmer.stem(utf8: $0)) }
            output.write(newlineBytes)
        }
        try finishOutput()
        guard invalidLines.isEmpty else {
            let shown = invalidLines.prefix(10).map(String.init).joined(separator: ", ")
            throw CommandFailure(
                message: "invalid UTF-8 on standard input, line\(invalidLines.count > 1 ? "s" : "") \(shown)\(invalidLines.count > 10 ? ", …" : "") (bad bytes read as U+FFFD)",
                status: ExitStatus.dataError)
        }
    }
}
