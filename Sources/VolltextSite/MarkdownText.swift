import Foundation
import CCMarkGFM

/// Turns a post's Markdown (kramdown-style, as Jekyll writes it) into the
/// plain text that gets indexed.
///
/// Parsing is cmark-gfm's, the reference CommonMark parser (with tables,
/// strikethrough and autolinks), rather than regular expressions: emphasis,
/// escapes like `Analyst\*innen`, entities and nested links come out right.
/// Around it, Liquid (`{% … %}`, `{{ … }}`), Hugo shortcodes (`{{< … >}}`)
/// and WordPress shortcodes (`[framed_box …]`) are dropped first.
public enum MarkdownText {
    /// The body text and, apart, the text of code blocks.
    public static func plainText(fromMarkdown markdown: String) -> (body: String, code: String) {
        plainText(fromMarkdown: markdown, insideHTML: false)
    }

    /// `insideHTML`: the text of an HTML block, parsed once more because
    /// kramdown, unlike CommonMark, reads Markdown after a `<br>` line.
    private static func plainText(fromMarkdown markdown: String, insideHTML: Bool) -> (body: String, code: String) {
        let source = insideHTML ? markdown : LiquidStripper.strip(markdown)
        cmark_gfm_core_extensions_ensure_registered()
        guard let parser = cmark_parser_new(CMARK_OPT_DEFAULT) else { return (source, "") }
        defer { cmark_parser_free(parser) }
        for name in ["table", "strikethrough", "autolink"] {
            if let extensionHandle = cmark_find_syntax_extension(name) {
                cmark_parser_attach_syntax_extension(parser, extensionHandle)
            }
        }
        var utf8 = source
        utf8.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { cmark_parser_feed(parser, $0.baseAddress, $0.count) }
        }
        guard let document = cmark_parser_finish(parser) else { return (source, "") }
        defer { cmark_node_free(document) }

        var body = TextCollector()
        var code = TextCollector()
        let iterator = cmark_iter_new(document)
        defer { cmark_iter_free(iterator) }
        while case let event = cmark_iter_next(iterator), event != CMARK_EVENT_DONE {
            guard let node = cmark_iter_get_node(iterator) else { continue }
            let type = cmark_node_get_type(node)
            let literal = { cmark_node_get_literal(node).map { String(cString: $0) } ?? "" }
            if event == CMARK_EVENT_ENTER {
                switch type {
                case CMARK_NODE_TEXT, CMARK_NODE_CODE: body.append(literal())
                case CMARK_NODE_CODE_BLOCK: code.appendBlock(literal())
                case CMARK_NODE_HTML_BLOCK where insideHTML: body.appendBlock(HTMLText.text(of: literal()))
                case CMARK_NODE_HTML_BLOCK:
                    let inner = plainText(fromMarkdown: HTMLText.text(of: literal()), insideHTML: true)
                    body.appendBlock(inner.body)
                    if !inner.code.isEmpty { code.appendBlock(inner.code) }
                case CMARK_NODE_HTML_INLINE: body.append(HTMLText.text(of: literal()))
                case CMARK_NODE_SOFTBREAK, CMARK_NODE_LINEBREAK: body.append("\n")
                case CMARK_NODE_LINK where isBareURL(node):
                    // An autolink shows its URL as its text: drop both.
                    cmark_iter_reset(iterator, node, CMARK_EVENT_EXIT)
                default: break
                }
            } else if event == CMARK_EVENT_EXIT, type.rawValue & UInt32(CMARK_NODE_TYPE_MASK) == UInt32(CMARK_NODE_TYPE_BLOCK) {
                body.endBlock()  // paragraphs, headings, list items, table cells
            }
        }
        return (body.finished, code.finished)
    }

    /// Whether a link's text is its own URL (`<https://…>`, `www.…`, mailto:).
    private static func isBareURL(_ link: OpaquePointer) -> Bool {
        guard let url = cmark_node_get_url(link).map({ String(cString: $0) }) else { return false }
        var text = ""
        var child = cmark_node_first_child(link)
        while let node = child {
            text += cmark_node_get_literal(node).map { String(cString: $0) } ?? ""
            child = cmark_node_next(node)
        }
        return text == url || "mailto:" + text == url || "http://" + text == url || "https://" + text == url
    }
}

/// Builds text with at most one blank line between blocks and no trailing spaces.
private struct TextCollector {
    private(set) var text = ""

    mutating func append(_ string: String) { text += string }

    /// The text without leading or trailing blank lines.
    var finished: String { text.trimmed() }

    mutating func appendBlock(_ string: String) {
        endBlock()
        text += string
        endBlock()
    }

    mutating func endBlock() {
        while text.last == " " || text.last == "\t" { text.removeLast() }
        if text.isEmpty || text.hasSuffix("\n\n") { return }
        text += text.hasSuffix("\n") ? "\n" : "\n\n"
    }
}

/// Drops Liquid and shortcodes before Markdown parsing. `{% highlight %}`
/// blocks become fenced code blocks; `{% raw %}` keeps its content;
/// `{% comment %}` drops it. Works on UTF-8 bytes: every post passes here.
enum LiquidStripper {
    private static let brace = UInt8(ascii: "{"), bracket = UInt8(ascii: "["), percent = UInt8(ascii: "%")

    static func strip(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard bytes.contains(where: { $0 == brace || $0 == bracket }) else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == brace, index + 1 < bytes.count, bytes[index + 1] == percent,
               let end = find([percent, UInt8(ascii: "}")], in: bytes, from: index + 2) {
                let tag = String(decoding: bytes[(index + 2)..<end], as: UTF8.self)
                let name = tag.drop { $0.isWhitespace || $0 == "-" }.prefix { !$0.isWhitespace && $0 != "-" }
                index = end + 2
                switch name {
                case "highlight", "endhighlight": output += Array("\n```\n".utf8)
                case "comment":
                    let close = find(Array("endcomment".utf8), in: bytes, from: index)
                        .flatMap { find([percent, UInt8(ascii: "}")], in: bytes, from: $0) }
                    index = close.map { $0 + 2 } ?? bytes.count
                default: break  // raw, endraw, include, youtube, …: the tag goes, content stays
                }
            } else if byte == brace, index + 1 < bytes.count, bytes[index + 1] == brace,
                      let end = find([UInt8(ascii: "}"), UInt8(ascii: "}")], in: bytes, from: index + 2) {
                index = end + 2  // {{ site.url }}, {{< shortcode >}}, {{% shortcode %}}
            } else if byte == bracket, let end = shortcodeEnd(in: bytes, at: index) {
                index = end
            } else {
                output.append(byte)
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The index where `needle` next starts in `bytes`, from `start`.
    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count else { return nil }
        var index = start
        while index + needle.count <= bytes.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// The end of a WordPress shortcode, `[/name]` or `[name key=value …]`,
    /// starting at `start`; nil for Markdown links and brackets.
    private static func shortcodeEnd(in bytes: [UInt8], at start: Int) -> Int? {
        var close = start + 1
        while close < bytes.count, close - start < 200, bytes[close] != UInt8(ascii: "]") {
            if bytes[close] == UInt8(ascii: "\n") || bytes[close] == bracket { return nil }
            close += 1
        }
        guard close < bytes.count, bytes[close] == UInt8(ascii: "]") else { return nil }
        if close + 1 < bytes.count, [UInt8(ascii: "("), bracket, UInt8(ascii: ":")].contains(bytes[close + 1]) { return nil }
        let content = bytes[(start + 1)..<close]
        let isClosing = content.first == UInt8(ascii: "/")
        let name = content.drop { $0 == UInt8(ascii: "/") }.prefix {
            ($0 | 0x20) >= UInt8(ascii: "a") && ($0 | 0x20) <= UInt8(ascii: "z") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-")
        }
        guard !name.isEmpty else { return nil }
        let hasAttributes = content.dropFirst(name.count + (isClosing ? 1 : 0)).contains(UInt8(ascii: "="))
        guard name.contains(UInt8(ascii: "_")) || isClosing || hasAttributes else { return nil }
        return close + 1
    }
}
