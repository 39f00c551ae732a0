import Foundation

/// Turns a post's Markdown (kramdown-style as Jekyll writes it, or Hugo's
/// Goldmark) into the plain text that gets indexed: the words a reader sees,
/// with link and image URLs, markup, Liquid and shortcodes gone, and code
/// blocks kept apart so the index can weigh them low.
///
/// Search needs the text, not the HTML, so this is a text extractor on UTF-8
/// bytes that follows CommonMark's block structure (fences, indented code,
/// HTML blocks, lists, quotes, headings, GFM tables) and its inline rules
/// where they change words (escapes, code spans, links, autolinks, emphasis),
/// rather than a renderer. Every pass is linear in the post's length: each
/// forward search either remembers where it found its target or that there
/// is none, and every other scan has a fixed bound.
public enum MarkdownText {
    /// The body text and, apart, the text of code blocks.
    public static func plainText(fromMarkdown markdown: String) -> (body: String, code: String) {
        var reader = MarkdownBlockReader(LiquidStripper.strip(Array(markdown.utf8)))
        reader.read()
        return (reader.body.finished, reader.code.finished)
    }
}

// MARK: - Blocks

/// Reads the Markdown line by line into blocks of text.
private struct MarkdownBlockReader {
    private let bytes: [UInt8]
    var body = TextCollector()
    var code = TextCollector()

    /// Lines of the open paragraph, joined by newlines.
    private var paragraph: [UInt8] = []
    /// Rows of a GFM table after its delimiter row.
    private var inTable = false
    /// The open fenced code block: its character, length and the block it started in.
    private var fence: (byte: UInt8, count: Int)?
    /// The open HTML block and how it ends.
    private var html: (text: [UInt8], end: HTMLBlockEnd)?
    /// Content columns of the open list items, innermost last.
    private var listColumns: [Int] = []
    private var previousLineBlank = true
    private var quoteDepth = 0

    private enum HTMLBlockEnd {
        case blankLine
        case marker([UInt8])
    }

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func read() {
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != .newline { end += 1 }
            readLine(start..<end)
            start = end + 1
        }
        closeOpenBlocks()
    }

    private mutating func closeOpenBlocks() {
        flushParagraph()
        if let open = html { endHTMLBlock(open.text) }
        html = nil
        fence = nil
    }

    private mutating func readLine(_ range: Range<Int>) {
        var line = bytes[range]
        // Block quotes: strip their markers; a change of depth ends a paragraph.
        var depth = 0
        while let content = Self.afterQuoteMarker(line) {
            depth += 1
            line = content
        }
        if depth != quoteDepth, fence == nil, html == nil {
            flushParagraph()
            quoteDepth = depth
        }
        if let open = fence {
            let (indent, rest) = Self.indentation(of: line)
            if indent - (listColumns.last ?? 0) < 4, Self.isClosingFence(rest, byte: open.byte, count: open.count) {
                fence = nil
                code.endBlock()
            } else {
                code.appendLine(Array(line))
            }
            return
        }
        if var open = html {
            open.text.append(contentsOf: line)
            open.text.append(.newline)
            switch open.end {
            case .blankLine:
                if Self.isBlank(line) {
                    html = nil
                    endHTMLBlock(open.text)
                    previousLineBlank = true
                    return
                }
                html = open
            case let .marker(marker):
                if Self.contains(marker, in: line) {
                    html = nil
                    endHTMLBlock(open.text)
                } else {
                    html = open
                }
            }
            return
        }
        if Self.isBlank(line) {
            flushParagraph()
            inTable = false
            previousLineBlank = true
            return
        }
        let (indent, _) = Self.indentation(of: line)
        // Leave list items whose content column this line does not reach, unless it continues a paragraph.
        while let column = listColumns.last, indent < column, previousLineBlank || paragraph.isEmpty {
            listColumns.removeLast()
        }
        readContent(line, indent: indent - (listColumns.last ?? 0))
        previousLineBlank = false
    }

    /// One line's content, after quote markers; `indent` counts columns past the list item's content column.
    private mutating func readContent(_ line: ArraySlice<UInt8>, indent: Int) {
        let (_, rest) = Self.indentation(of: line)
        if indent >= 4 {
            if paragraph.isEmpty && !inTable {
                code.appendLine(Array(rest))  // an indented code block
            } else {
                appendParagraphLine(rest)
            }
            return
        }
        if let (byte, count) = Self.openingFence(rest) {
            flushParagraph()
            fence = (byte, count)
            code.endBlock()
            return
        }
        if let heading = Self.atxHeading(rest) {
            flushParagraph()
            paragraph.append(contentsOf: heading)
            flushParagraph()
            return
        }
        if let first = rest.first, first == .equals || first == .hyphen, !paragraph.isEmpty,
           rest.allSatisfy({ $0 == first || $0 == .space || $0 == .tab }), !inTable {
            flushParagraph()  // a setext heading's underline
            return
        }
        if Self.isThematicBreak(rest) {
            flushParagraph()
            return
        }
        if let end = Self.htmlBlockStart(rest, canInterruptParagraph: !paragraph.isEmpty) {
            flushParagraph()
            html = ([], end)
            readLine(rest.startIndex..<rest.endIndex)  // the first line may close it too
            return
        }
        if let content = Self.afterListMarker(rest) {
            flushParagraph()
            let contentColumn = indent + (listColumns.last ?? 0) + (content.startIndex - rest.startIndex)
            listColumns.append(contentColumn)
            if !content.isEmpty { readContent(content, indent: 0) }
            return
        }
        if paragraph.isEmpty, Self.isLinkReferenceDefinition(rest) { return }
        if Self.isTableDelimiterRow(rest), paragraph.contains(.pipe), !paragraph.contains(.newline) {
            let header = paragraph
            paragraph = []
            appendTableRow(header[...])
            inTable = true
            return
        }
        if inTable {
            appendTableRow(rest)
            return
        }
        appendParagraphLine(rest)
    }

    private mutating func appendParagraphLine(_ line: ArraySlice<UInt8>) {
        if !paragraph.isEmpty { paragraph.append(.newline) }
        paragraph.append(contentsOf: line)
    }

    private mutating func flushParagraph() {
        guard !paragraph.isEmpty else { return }
        InlineText.append(paragraph, to: &body)
        paragraph.removeAll(keepingCapacity: true)
    }

    /// A table row: each cell a line of its own.
    private mutating func appendTableRow(_ row: ArraySlice<UInt8>) {
        var cells: [UInt8] = []
        var cellStart = row.startIndex
        var index = row.startIndex
        while index <= row.endIndex {
            if index == row.endIndex || (row[index] == .pipe && (index == row.startIndex || row[index - 1] != .backslash)) {
                let cell = Self.trimmedSpaces(row[cellStart..<index])
                if !cell.isEmpty {
                    if !cells.isEmpty { cells.append(.newline) }
                    cells.append(contentsOf: cell)
                }
                cellStart = index + 1
            }
            index += 1
        }
        if !cells.isEmpty { InlineText.append(cells, to: &body) }
    }

    /// kramdown reads Markdown inside and after HTML lines, so the block's text goes through the inline rules too.
    private mutating func endHTMLBlock(_ html: [UInt8]) {
        flushParagraph()
        InlineText.append(Array(HTMLText.text(of: html).utf8), to: &body)
    }

    // MARK: Line shapes

    private static func isBlank(_ line: ArraySlice<UInt8>) -> Bool {
        line.allSatisfy { $0 == .space || $0 == .tab }
    }

    /// Columns of leading white space (tabs to the next multiple of 4) and the rest.
    private static func indentation(of line: ArraySlice<UInt8>) -> (Int, ArraySlice<UInt8>) {
        var columns = 0
        var index = line.startIndex
        while index < line.endIndex {
            if line[index] == .space { columns += 1 }
            else if line[index] == .tab { columns += 4 - columns % 4 }
            else { break }
            index += 1
        }
        return (columns, line[index...])
    }

    private static func afterQuoteMarker(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let (indent, rest) = indentation(of: line)
        guard indent < 4, rest.first == .greaterThan else { return nil }
        let after = rest.dropFirst()
        return after.first == .space ? after.dropFirst() : after
    }

    private static func openingFence(_ rest: ArraySlice<UInt8>) -> (UInt8, Int)? {
        guard let first = rest.first, first == .backtick || first == .tilde else { return nil }
        let count = rest.prefix { $0 == first }.count
        guard count >= 3 else { return nil }
        if first == .backtick, rest.dropFirst(count).contains(.backtick) { return nil }
        return (first, count)
    }

    private static func isClosingFence(_ rest: ArraySlice<UInt8>, byte: UInt8, count: Int) -> Bool {
        let run = rest.prefix { $0 == byte }.count
        return run >= count && isBlank(rest.dropFirst(run))
    }

    /// The text of `## Heading ##`.
    private static func atxHeading(_ rest: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        let level = rest.prefix { $0 == .hash }.count
        guard (1...6).contains(level) else { return nil }
        var text = rest.dropFirst(level)
        guard text.isEmpty || text.first == .space || text.first == .tab else { return nil }
        text = trimmedSpaces(text)
        var end = text.endIndex
        while end > text.startIndex, text[end - 1] == .hash { end -= 1 }
        if end == text.startIndex || text[end - 1] == .space || text[end - 1] == .tab { text = text[..<end] }
        return trimmedSpaces(text)
    }

    private static func isThematicBreak(_ rest: ArraySlice<UInt8>) -> Bool {
        guard let first = rest.first, first == .asterisk || first == .hyphen || first == .underscore else { return false }
        var count = 0
        for byte in rest {
            if byte == first { count += 1 } else if byte != .space && byte != .tab { return false }
        }
        return count >= 3
    }

    /// The content after `- `, `* `, `+ `, `1. ` or `1) `; nil if the line is no list item.
    private static func afterListMarker(_ rest: ArraySlice<UInt8>) -> ArraySlice<UInt8>? {
        var index = rest.startIndex
        guard index < rest.endIndex else { return nil }
        if rest[index] == .hyphen || rest[index] == .asterisk || rest[index] == .plus {
            index += 1
        } else {
            let digits = rest.prefix { $0 &- UInt8(ascii: "0") < 10 }.count
            guard (1...9).contains(digits) else { return nil }
            index += digits
            guard index < rest.endIndex, rest[index] == .period || rest[index] == .closingParenthesis else { return nil }
            index += 1
        }
        if index == rest.endIndex { return rest[index...] }
        guard rest[index] == .space || rest[index] == .tab else { return nil }
        let spaces = rest[index...].prefix { $0 == .space }.count
        return rest[(index + (spaces >= 1 && spaces <= 4 ? spaces : 1))...]
    }

    /// `[label]: url "title"`, which defines a link and shows nothing; footnotes (`[^1]: …`) are text.
    private static func isLinkReferenceDefinition(_ rest: ArraySlice<UInt8>) -> Bool {
        guard rest.first == .openingBracket, rest.dropFirst().first != .caret,
              let close = rest.prefix(1000).firstIndex(of: .closingBracket), close > rest.startIndex + 1 else { return false }
        return rest[(close + 1)...].first == .colon
    }

    /// `| --- | :---: |`: at least one `-` in each cell, colons only at the ends.
    private static func isTableDelimiterRow(_ rest: ArraySlice<UInt8>) -> Bool {
        guard rest.contains(.hyphen) else { return false }
        return rest.allSatisfy { $0 == .pipe || $0 == .hyphen || $0 == .colon || $0 == .space || $0 == .tab }
            && (rest.contains(.pipe) || rest.contains(.colon))
    }

    /// The end of an HTML block that starts on this line (CommonMark's seven kinds), nil if none does.
    private static func htmlBlockStart(_ rest: ArraySlice<UInt8>, canInterruptParagraph: Bool) -> HTMLBlockEnd? {
        guard rest.first == .lessThan else { return nil }
        let after = rest.dropFirst()
        if after.starts(with: "!--".utf8) { return .marker(Array("-->".utf8)) }
        if after.first == .questionMark { return .marker(Array("?>".utf8)) }
        if after.starts(with: "![CDATA[".utf8) { return .marker(Array("]]>".utf8)) }
        if after.first == .exclamationMark { return .marker([.greaterThan]) }
        let closing = after.first == .slash
        let name = Array(after.dropFirst(closing ? 1 : 0).prefix { isASCIILetterOrDigit($0) || $0 == .hyphen }.map { $0 | 0x20 })
        guard !name.isEmpty else { return nil }
        let next = after.dropFirst((closing ? 1 : 0) + name.count).first
        let endsName = next == nil || next == .space || next == .tab || next == .greaterThan || next == .slash
        let nameText = String(decoding: name, as: UTF8.self)
        if !closing, endsName, ["script", "pre", "style", "textarea"].contains(nameText) {
            return .marker(Array("</\(nameText)>".utf8))
        }
        if endsName, blockTagNames.contains(nameText) { return .blankLine }
        // Any other tag alone on its line, which cannot interrupt a paragraph.
        guard !canInterruptParagraph, let end = HTMLText.tagEnd(in: rest, from: rest.startIndex),
              isBlank(rest[(end + 1)...]) else { return nil }
        return .blankLine
    }

    private static let blockTagNames: Set<String> = [
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center", "col",
        "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr", "html", "iframe",
        "legend", "li", "link", "main", "menu", "menuitem", "nav", "noframes", "ol", "optgroup", "option", "p",
        "param", "search", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "title", "tr",
        "track", "ul",
    ]

    private static func contains(_ marker: [UInt8], in line: ArraySlice<UInt8>) -> Bool {
        guard marker.count <= line.count else { return false }
        var index = line.startIndex
        while index + marker.count <= line.endIndex {
            if (line[index] | 0x20) == (marker[0] | 0x20),
               zip(line[index..<(index + marker.count)], marker).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) { return true }
            index += 1
        }
        return false
    }

    static func trimmedSpaces(_ text: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = text.startIndex, end = text.endIndex
        while start < end, text[start] == .space || text[start] == .tab { start += 1 }
        while end > start, text[end - 1] == .space || text[end - 1] == .tab { end -= 1 }
        return text[start..<end]
    }
}

func isASCIILetterOrDigit(_ byte: UInt8) -> Bool {
    (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10
}

// MARK: - Inline text

/// A paragraph's inline Markdown to text: escapes resolved, code spans kept,
/// link and image URLs, autolinks and bare URLs and e-mail addresses dropped,
/// emphasis markers removed; then HTML tags and entities through ``HTMLText``.
enum InlineText {
    /// Appends the paragraph's text to `collector` as a block.
    static func append(_ paragraph: [UInt8], to collector: inout TextCollector) {
        var scanner = InlineScanner(paragraph)
        let scanned = scanner.scan()
        // Without tags or entities, the scanned bytes are the text already, and
        // valid UTF-8 as the paragraph was (the scanner drops and adds only ASCII):
        // no String to build and take apart again.
        if HTMLText.leavesUnchanged(scanned) {
            collector.appendBlock(utf8: scanned)
        } else {
            collector.appendBlock(HTMLText.text(of: scanned))
        }
    }
}

private struct InlineScanner {
    private let bytes: [UInt8]
    private var output: [UInt8] = []
    /// For each length, the positions of backtick runs of that length, and how many were passed.
    private var backtickRuns: [Int: [Int]] = [:]
    private var passedRuns: [Int: Int] = [:]
    private var nextClosingParenthesis: ForwardFinder
    private var nextClosingBracket: ForwardFinder
    /// `parenthesesBefore[i]`: how many `(` come before position i; made on first use.
    private var parenthesesBefore: [Int32] = []
    /// Where each `[` not yet closed stands in the output.
    private var openBrackets: [Int] = []

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        nextClosingParenthesis = ForwardFinder(needle: [.closingParenthesis])
        nextClosingBracket = ForwardFinder(needle: [.closingBracket])
        var index = 0
        while index < bytes.count {
            if bytes[index] == .backtick {
                let start = index
                while index < bytes.count, bytes[index] == .backtick { index += 1 }
                if start == 0 || bytes[start - 1] != .backslash { backtickRuns[index - start, default: []].append(start) }
            } else {
                index += 1
            }
        }
    }

    mutating func scan() -> [UInt8] {
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            // Most bytes are plain text: copy them a run at a time.
            let plainEnd = endOfPlainText(from: index)
            if plainEnd > index {
                output.append(contentsOf: bytes[index..<plainEnd])
                index = plainEnd
                if index == bytes.count { break }
            }
            let byte = bytes[index]
            switch byte {
            case .backslash where index + 1 < bytes.count && Self.isASCIIPunctuation(bytes[index + 1]):
                appendLiteral(bytes[index + 1])
                index += 2
            case .backtick:
                index = codeSpan(at: index)
            case .exclamationMark where index + 1 < bytes.count && bytes[index + 1] == .openingBracket:
                index += 1  // an image: its alt text stays
            case .openingBracket:
                openBrackets.append(output.count)
                output.append(Self.droppedBracket)  // becomes "[" again unless it opens a link
                index += 1
            case .closingBracket:
                let next = afterLinkTarget(at: index)
                let open = openBrackets.popLast()
                if next == index + 1 {  // no link: the brackets are text
                    if let open { output[open] = .openingBracket }
                    output.append(.closingBracket)
                }
                index = next
            case .lessThan:
                index = afterAutolink(at: index)
            case .asterisk:
                // Emphasis goes; a lone star inside a word is a gender star (Bürger*innen) and stays.
                let start = index
                while index < bytes.count, bytes[index] == .asterisk { index += 1 }
                if index - start == 1, start > 0, Self.isWordByte(bytes[start - 1]), index < bytes.count,
                   Self.isWordByte(bytes[index]) || bytes[index] == .hyphen {
                    output.append(.asterisk)
                }
            case .tilde where index + 1 < bytes.count && bytes[index + 1] == .tilde:
                while index < bytes.count, bytes[index] == .tilde { index += 1 }
            case .underscore:
                let start = index
                while index < bytes.count, bytes[index] == .underscore { index += 1 }
                let inWord = start > 0 && Self.isWordByte(bytes[start - 1]) && index < bytes.count && Self.isWordByte(bytes[index])
                if inWord { output.append(contentsOf: bytes[start..<index]) }  // snake_case stays
            case .at:
                index = afterEmailAddress(at: index)
            case UInt8(ascii: "h"), UInt8(ascii: "H"), UInt8(ascii: "w"), UInt8(ascii: "W"):
                index = afterBareURL(at: index)
            case .space where Self.isHardBreak(in: bytes, at: index):
                index += 2  // a hard line break
            default:
                output.append(byte)
                index += 1
            }
        }
        for open in openBrackets { output[open] = .openingBracket }
        output.removeAll { $0 == Self.droppedBracket }
        return output
    }

    /// Where the plain text from `start` ends: the first byte that ``scan()``
    /// treats as more than text. Spaces, and `h` or `w` that start no URL, are
    /// text; they are common, and checking them here keeps the copying loop
    /// tight (the indirect jump of a `switch` on every byte was a fifth of the
    /// scanner's time).
    private func endOfPlainText(from start: Int) -> Int {
        bytes.withUnsafeBufferPointer { bytes in
            var index = start
            while index < bytes.count {
                switch Self.byteKinds[Int(bytes[index])] {
                case Self.plain:
                    break
                case Self.maybeHardBreak:
                    if Self.isHardBreak(in: bytes, at: index) { return index }
                case Self.maybeURL:
                    if Self.startsBareURL(in: bytes, at: index) { return index }
                default:
                    return index
                }
                index += 1
            }
            return index
        }
    }

    private static let plain: UInt8 = 0, maybeHardBreak: UInt8 = 1, maybeURL: UInt8 = 2, markup: UInt8 = 3

    /// For each byte, how ``scan()`` may treat it.
    private static let byteKinds: [UInt8] = (0...255).map { byte -> UInt8 in
        switch UInt8(byte) {
        case .backslash, .backtick, .exclamationMark, .openingBracket, .closingBracket, .lessThan, .asterisk,
             .tilde, .underscore, .at: markup
        case .space: maybeHardBreak
        case UInt8(ascii: "h"), UInt8(ascii: "H"), UInt8(ascii: "w"), UInt8(ascii: "W"): maybeURL
        default: plain
        }
    }

    /// Stands for a `[` until its `]` tells whether it opened a link; never in UTF-8 text.
    private static let droppedBracket: UInt8 = 0xFF

    /// Escaped or code text: `<` and `&` stay text when HTML is stripped afterwards.
    private mutating func appendLiteral(_ byte: UInt8) {
        switch byte {
        case .lessThan: output.append(contentsOf: "&lt;".utf8)
        case .ampersand: output.append(contentsOf: "&amp;".utf8)
        default: output.append(byte)
        }
    }

    /// A code span's text as it is; an unmatched run of backticks is text.
    private mutating func codeSpan(at start: Int) -> Int {
        var end = start
        while end < bytes.count, bytes[end] == .backtick { end += 1 }
        let length = end - start
        let runs = backtickRuns[length] ?? []
        var passed = passedRuns[length] ?? 0
        while passed < runs.count, runs[passed] <= start { passed += 1 }
        passedRuns[length] = passed
        guard passed < runs.count else {
            output.append(contentsOf: bytes[start..<end])
            return end
        }
        let close = runs[passed]
        passedRuns[length] = passed + 1
        for byte in bytes[end..<close] { appendLiteral(byte == .newline ? .space : byte) }
        return close + length
    }

    /// After `]`: skips a link's `(url "title")` or `[reference]`.
    private mutating func afterLinkTarget(at index: Int) -> Int {
        let next = index + 1
        guard next < bytes.count else { return next }
        if bytes[next] == .openingParenthesis, var close = nextClosingParenthesis.next(in: bytes, from: next + 1),
           close - next < 2048 {
            // The destination may hold balanced parentheses (Wikipedia's URLs do), up to three levels.
            var unclosed = openingParentheses(in: (next + 1)..<close)
            var levels = 0
            while unclosed > 0, levels < 3, let more = nextClosingParenthesis.next(in: bytes, from: close + 1),
                  more - next < 2048 {
                unclosed += openingParentheses(in: (close + 1)..<more) - 1
                close = more
                levels += 1
            }
            return close + 1
        }
        if bytes[next] == .openingBracket, let end = nextClosingBracket.next(in: bytes, from: next + 1), end - next < 1000 {
            return end + 1
        }
        return next
    }

    /// How many `(` a range holds, from running counts made once: links may be tried at every `]`.
    private mutating func openingParentheses(in range: Range<Int>) -> Int {
        if parenthesesBefore.isEmpty {
            parenthesesBefore.reserveCapacity(bytes.count + 1)
            var count: Int32 = 0
            parenthesesBefore.append(0)
            for byte in bytes {
                if byte == .openingParenthesis { count += 1 }
                parenthesesBefore.append(count)
            }
        }
        return Int(parenthesesBefore[range.upperBound] - parenthesesBefore[range.lowerBound])
    }

    /// `<https://…>` and `<name@host>` show their address: dropped. Anything else is left for the HTML pass.
    private mutating func afterAutolink(at start: Int) -> Int {
        var end = start + 1
        while end < bytes.count, end - start < 2048, bytes[end] != .greaterThan, bytes[end] != .lessThan,
              bytes[end] != .space, bytes[end] != .newline { end += 1 }
        if end < bytes.count, bytes[end] == .greaterThan {
            let inner = bytes[(start + 1)..<end]
            let scheme = inner.prefix { isASCIILetterOrDigit($0) || $0 == .plus || $0 == .period || $0 == .hyphen }
            if (scheme.count >= 2 && inner.dropFirst(scheme.count).first == .colon) || inner.contains(.at) { return end + 1 }
        }
        // An HTML tag stays whole for the HTML pass: its attribute values are no bare URLs.
        if let tagEnd = HTMLText.tagEnd(in: bytes[...], from: start) {
            output.append(contentsOf: bytes[start...tagEnd])
            return tagEnd + 1
        }
        output.append(.lessThan)
        return start + 1
    }

    /// `www.…`, `http://…`, `https://…` at the start of a word (GFM's autolinks): dropped, up to white space.
    private mutating func afterBareURL(at start: Int) -> Int {
        guard Self.startsBareURL(in: bytes, at: start) else {
            output.append(bytes[start])
            return start + 1
        }
        var end = start
        while end < bytes.count, bytes[end] != .space, bytes[end] != .newline, bytes[end] != .tab, bytes[end] != .lessThan { end += 1 }
        // Trailing punctuation belongs to the sentence.
        var urlEnd = end
        while urlEnd > start, [.period, .comma, .colon, .semicolon, .exclamationMark, .questionMark, .quote,
                               .apostrophe, .closingParenthesis].contains(bytes[urlEnd - 1]) { urlEnd -= 1 }
        output.append(contentsOf: bytes[urlEnd..<end])
        return end
    }

    /// Whether a bare URL starts at `index`: `http://`, `https://` or `www.` at the
    /// start of a word. Generic so that ``endOfPlainText(from:)`` asks it of raw bytes.
    private static func startsBareURL<Bytes: RandomAccessCollection<UInt8>>(in bytes: Bytes, at index: Int) -> Bool
    where Bytes.Index == Int {
        guard index == 0 || !isWordByte(bytes[index - 1]) else { return false }
        let text = bytes[index...]
        func hasPrefix(_ prefix: String) -> Bool {
            text.count > prefix.utf8.count && zip(text, prefix.utf8).allSatisfy { $0 | 0x20 == $1 }
        }
        return hasPrefix("http://") || hasPrefix("https://") || hasPrefix("www.")
    }

    /// Whether the space at `index` and the one after it end the line: a hard line break.
    private static func isHardBreak<Bytes: RandomAccessCollection<UInt8>>(in bytes: Bytes, at index: Int) -> Bool
    where Bytes.Index == Int {
        index + 2 < bytes.count && bytes[index + 1] == .space && bytes[index + 2] == .newline
    }

    /// `name@host.tld`: the address is dropped, the part already written too.
    private mutating func afterEmailAddress(at index: Int) -> Int {
        var localStart = output.count
        while localStart > 0, Self.isEmailLocalByte(output[localStart - 1]) { localStart -= 1 }
        var end = index + 1
        var dots = 0
        while end < bytes.count, isASCIILetterOrDigit(bytes[end]) || bytes[end] == .hyphen || bytes[end] == .underscore
                || (bytes[end] == .period && end + 1 < bytes.count && isASCIILetterOrDigit(bytes[end + 1])) {
            if bytes[end] == .period { dots += 1 }
            end += 1
        }
        guard localStart < output.count, dots >= 1 else {
            output.append(.at)
            return index + 1
        }
        output.removeSubrange(localStart...)
        return end
    }

    private static func isEmailLocalByte(_ byte: UInt8) -> Bool {
        isASCIILetterOrDigit(byte) || byte == .period || byte == .plus || byte == .hyphen || byte == .underscore
    }

    /// Letters and digits, including every byte of a non-ASCII letter.
    private static func isWordByte(_ byte: UInt8) -> Bool { byte >= 0x80 || isASCIILetterOrDigit(byte) }

    private static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (0x21...0x2F).contains(byte) || (0x3A...0x40).contains(byte) || (0x5B...0x60).contains(byte) || (0x7B...0x7E).contains(byte)
    }
}

/// Builds text with at most one blank line between blocks and no trailing spaces.
struct TextCollector {
    private var text: [UInt8] = []

    /// The text without leading or trailing blank lines.
    var finished: String { String(decoding: text, as: UTF8.self).trimmed() }

    /// A block of text, its lines without surrounding spaces and at most one blank line in a row.
    mutating func appendBlock(_ string: String) {
        endBlock()
        var string = string
        // Over the bytes in place: splitting into an array of lines was a tenth of reading a post.
        string.withUTF8 { appendLines(of: $0) }
        endBlock()
    }

    /// A block of text given as valid UTF-8.
    mutating func appendBlock(utf8 bytes: [UInt8]) {
        endBlock()
        bytes.withUnsafeBufferPointer { appendLines(of: $0) }
        endBlock()
    }

    private mutating func appendLines(of bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress else { return }
        var afterBlankLine = false
        var lineStart = 0
        while lineStart <= bytes.count {
            let found = memchr(base + lineStart, Int32(UInt8.newline), bytes.count - lineStart)
            let lineEnd = found.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? bytes.count
            var start = lineStart, end = lineEnd
            lineStart = lineEnd + 1
            while start < end, bytes[start] == .space || bytes[start] == .tab { start += 1 }
            while end > start, bytes[end - 1] == .space || bytes[end - 1] == .tab { end -= 1 }
            guard start < end else {
                afterBlankLine = true
                continue
            }
            if afterBlankLine { endBlock() } else if let last = text.last, last != .newline { text.append(.newline) }
            afterBlankLine = false
            text.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<end]))
        }
    }

    /// A line of a code block.
    mutating func appendLine(_ line: [UInt8]) {
        text.append(contentsOf: line)
        text.append(.newline)
    }

    mutating func endBlock() {
        while let last = text.last, last == .space || last == .tab { text.removeLast() }
        // Two index reads: `suffix(2) == [...]` picks Sequence's suffix, which walks the whole text.
        if text.isEmpty || (text.count >= 2 && text[text.count - 1] == .newline && text[text.count - 2] == .newline) { return }
        text.append(contentsOf: text.last == .newline ? [.newline] : [.newline, .newline])
    }
}

/// Finds a byte sequence going forward through one text, remembering the
/// last answer: searches start at increasing positions, so the text is read
/// at most once however many times it is asked (a post of 100,000 `{%` with
/// no `%}` costs one pass, not 100,000).
struct ForwardFinder {
    let needle: [UInt8]
    private var searchedFrom = Int.max
    private var found: Int?

    init(needle: [UInt8]) { self.needle = needle }

    mutating func next(in bytes: [UInt8], from start: Int) -> Int? {
        if start >= searchedFrom, found.map({ $0 >= start }) ?? true { return found }
        searchedFrom = start
        found = nil
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], needle.count == 1 || bytes[index..<(index + needle.count)].elementsEqual(needle) {
                found = index
                break
            }
            index += 1
        }
        return found
    }
}

// MARK: - Liquid and shortcodes

/// Drops Liquid and shortcodes before Markdown parsing. `{% highlight %}`
/// blocks become fenced code blocks; `{% raw %}` keeps its content;
/// `{% comment %}` drops it. Hugo shortcodes (`{{< … >}}`, `{{% … %}}`) go,
/// the text they wrap stays. Works on UTF-8 bytes: every post passes here.
/// What it cuts out starts and ends at ASCII bytes, so valid UTF-8 stays valid.
enum LiquidStripper {
    static func strip(_ bytes: [UInt8]) -> [UInt8] {
        guard bytes.contains(where: { $0 == .openingBrace || $0 == .openingBracket }) else { return bytes }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var tagEnd = ForwardFinder(needle: [.percent, .closingBrace])
        var expressionEnd = ForwardFinder(needle: [.closingBrace, .closingBrace])
        var commentEnd = ForwardFinder(needle: Array("endcomment".utf8))
        // Text between the markup is copied a run at a time, not byte by byte.
        var index = 0, copied = 0
        func skip(to end: Int, inserting replacement: String = "") {
            output += bytes[copied..<index]
            output += replacement.utf8
            index = end
            copied = end
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte == .openingBrace, index + 1 < bytes.count, bytes[index + 1] == .percent,
               let end = tagEnd.next(in: bytes, from: index + 2) {
                let tag = bytes[(index + 2)..<end].drop { $0 == .space || $0 == .hyphen || $0 == .newline || $0 == .tab }
                let name = tag.prefix { $0 != .space && $0 != .hyphen && $0 != .newline && $0 != .tab }
                if name.elementsEqual("highlight".utf8) || name.elementsEqual("endhighlight".utf8) {
                    skip(to: end + 2, inserting: "\n```\n")
                } else if name.elementsEqual("comment".utf8) {
                    let close = commentEnd.next(in: bytes, from: end + 2).flatMap { tagEnd.next(in: bytes, from: $0) }
                    skip(to: close.map { $0 + 2 } ?? bytes.count)
                } else {
                    skip(to: end + 2)  // raw, endraw, include, youtube, …: the tag goes, content stays
                }
            } else if byte == .openingBrace, index + 1 < bytes.count, bytes[index + 1] == .openingBrace,
                      let end = expressionEnd.next(in: bytes, from: index + 2) {
                skip(to: end + 2)  // {{ site.url }}, {{< shortcode >}}, {{% shortcode %}}
            } else if byte == .openingBracket, let end = shortcodeEnd(in: bytes, at: index) {
                skip(to: end)
            } else {
                index += 1
            }
        }
        output += bytes[copied...]
        return output
    }

    /// The end of a WordPress shortcode, `[/name]` or `[name key=value …]`,
    /// starting at `start`; nil for Markdown links and brackets.
    private static func shortcodeEnd(in bytes: [UInt8], at start: Int) -> Int? {
        var close = start + 1
        while close < bytes.count, close - start < 200, bytes[close] != .closingBracket {
            if bytes[close] == .newline || bytes[close] == .openingBracket { return nil }
            close += 1
        }
        guard close < bytes.count, bytes[close] == .closingBracket else { return nil }
        if close + 1 < bytes.count, [.openingParenthesis, .openingBracket, .colon].contains(bytes[close + 1]) { return nil }
        let content = bytes[(start + 1)..<close]
        let isClosing = content.first == .slash
        let name = content.drop { $0 == .slash }.prefix {
            ($0 | 0x20) &- UInt8(ascii: "a") < 26 || $0 == .underscore || $0 == .hyphen
        }
        guard !name.isEmpty else { return nil }
        let hasAttributes = content.dropFirst(name.count + (isClosing ? 1 : 0)).contains(.equals)
        guard name.contains(.underscore) || isClosing || hasAttributes else { return nil }
        return close + 1
    }
}

extension UInt8 {
    static let newline = UInt8(ascii: "\n"), tab = UInt8(ascii: "\t"), space = UInt8(ascii: " ")
    static let exclamationMark = UInt8(ascii: "!"), quote = UInt8(ascii: "\""), hash = UInt8(ascii: "#")
    static let percent = UInt8(ascii: "%"), ampersand = UInt8(ascii: "&"), apostrophe = UInt8(ascii: "'")
    static let openingParenthesis = UInt8(ascii: "("), closingParenthesis = UInt8(ascii: ")")
    static let asterisk = UInt8(ascii: "*"), plus = UInt8(ascii: "+"), comma = UInt8(ascii: ",")
    static let hyphen = UInt8(ascii: "-"), period = UInt8(ascii: "."), slash = UInt8(ascii: "/")
    static let colon = UInt8(ascii: ":"), semicolon = UInt8(ascii: ";"), lessThan = UInt8(ascii: "<")
    static let equals = UInt8(ascii: "="), greaterThan = UInt8(ascii: ">"), questionMark = UInt8(ascii: "?")
    static let at = UInt8(ascii: "@"), openingBracket = UInt8(ascii: "["), backslash = UInt8(ascii: "\\")
    static let closingBracket = UInt8(ascii: "]"), caret = UInt8(ascii: "^"), underscore = UInt8(ascii: "_")
    static let backtick = UInt8(ascii: "`"), openingBrace = UInt8(ascii: "{"), pipe = UInt8(ascii: "|")
    static let closingBrace = UInt8(ascii: "}"), tilde = UInt8(ascii: "~")
}
