import ArgumentParser
import Foundation
import VolltextAnalysis

/// `volltext analyze`: shows what the German analyzer makes of a text, like
/// Elasticsearch's `_analyze`, for users debugging why something matches or not.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Show the terms Volltext's German analyzer makes of a text.",
        discussion: """
            Prints each term with the original word, its byte range in the UTF-8 input \
            and its position. Several arguments are joined with single spaces; without \
            any, the text is read from standard input.
            """
    )

    @Flag(help: "Print {\"tokens\": [{\"term\", \"original\", \"start\", \"end\", \"position\", …}]}.")
    var json = false

    @Flag(help: "Show the folded, unstemmed form that prefix queries match.")
    var folded = false

    @Argument(help: "The text to analyse.")
    var text: [String] = []

    func run() throws {
        let input: String
        if text.isEmpty {
            let bytes: [UInt8]
            bytes = try LineReader().readAll()
            guard let decoded = String(validating: bytes, as: UTF8.self) else {
                throw CommandFailure(message: "standard input is not valid UTF-8", status: ExitStatus.dataError)
            }
            input = decoded
        } else {
            input = text.joined(separator: " ")
        }
        let tokens = GermanAnalyzer().tokens(in: input, form: folded ? .folded : .stemmed)
        let output = standardOutput
        if json {
            output.write(try Self.json(tokens) + "\n")
        } else {
            output.write(Self.table(tokens))
        }
        try finishOutput()
    }

    static func json(_ tokens: [Token]) throws -> String {
        struct Output: Encodable { let tokens: [Token] }
        return try jsonString(Output(tokens: tokens))
    }

    static func table(_ tokens: [Token]) -> String {
        let header = ["position", "term", "original", "bytes", "kind"]
        let rows = tokens.map { token in
            [String(token.position), token.term, token.original, "\(token.start)..<\(token.end)",
             token.kind.rawValue + (token.isStopword ? ", stopword" : "")]
        }
        let widths = header.indices.map { column in
            ([header] + rows).map { $0[column].count }.max()!
        }
        return ([header] + rows).map { row in
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }
}
