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
                body.endBlock()
            } else if event == CMARK_EVENT_EXIT, cmark_node_get_type_string(node).map({ String(cString: $0) }) == "table_cell" {
                body.append(" \n")
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
    var finished: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }

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
/// `{% comment %}` drops it.
enum LiquidStripper {
    static func strip(_ text: String) -> String {
        guard text.contains("{") || text.contains("[") else { return text }
        var output = ""
        var rest = Substring(text)
        while let index = rest.firstIndex(where: { $0 == "{" || $0 == "[" }) {
            output += rest[..<index]
            rest = rest[index...]
            if rest.hasPrefix("{%"), let end = rest.range(of: "%}") {
                let tag = rest[rest.index(rest.startIndex, offsetBy: 2)..<end.lowerBound]
                    .trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "-"))
                    .trimmingCharacters(in: .whitespaces)
                let name = tag.prefix { !$0.isWhitespace }
                rest = rest[end.upperBound...]
                switch name {
                case "highlight": output += "\n```\n"
                case "endhighlight": output += "\n```\n"
                case "comment":
                    rest = rest.range(of: "endcomment").flatMap { rest[$0.upperBound...].range(of: "%}") }
                        .map { rest[$0.upperBound...] } ?? ""
                default: break  // raw, endraw, include, youtube, …: the tag goes, content stays
                }
            } else if rest.hasPrefix("{{"), let end = rest.range(of: "}}") {
                rest = rest[end.upperBound...]  // {{ site.url }}, {{< shortcode >}}, {{% shortcode %}}
            } else if rest.hasPrefix("["), let end = shortcodeEnd(in: rest) {
                rest = rest[end...]
            } else {
                output.append(rest.removeFirst())
            }
        }
        return output + rest
    }

    /// The end of a WordPress shortcode, `[/name]` or `[name key=value …]`,
    /// starting at `text.startIndex`; nil for Markdown links and brackets.
    private static func shortcodeEnd(in text: Substring) -> String.Index? {
        let inner = text.dropFirst().prefix(200)
        guard let close = inner.firstIndex(of: "]") else { return nil }
        let content = inner[..<close]
        let after = text[text.index(after: close)...].first
        guard after != "(", after != "[", after != ":" else { return nil }
        let name = content.drop { $0 == "/" }.prefix { $0.isLetter || $0 == "_" || $0 == "-" }
        guard !name.isEmpty, name.allSatisfy({ $0.isASCII }), name.contains("_") || content.hasPrefix("/")
            || content.dropFirst(name.count).contains("=") else { return nil }
        guard !content.contains("\n") else { return nil }
        return text.index(after: close)
    }
}

import Foundation
