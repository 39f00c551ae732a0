/// Raw HTML inside Markdown (iframes, `<br>`, `<a href>`), reduced to its text.
///
/// Linear in the input: a tag's end is looked for at most 1,024 bytes on and
/// never past another unquoted `<`, and comments' ends are found by a
/// ``ForwardFinder``, so 80 KB of `<a` costs one pass.
enum HTMLText {
    /// Drops tags and comments, and the content of `script`, `style` and
    /// `iframe`; block tags and `<br>` become line breaks; entities are decoded.
    static func text(of html: String) -> String {
        text(of: Array(html.utf8))
    }

    /// Whether ``text(of:)`` would give these bytes back as they are: no tag,
    /// comment or entity can start without a `<` or a `&`.
    static func leavesUnchanged(_ bytes: [UInt8]) -> Bool {
        !bytes.containsByte(.lessThan) && !bytes.containsByte(.ampersand)
    }

    static func text(of bytes: [UInt8]) -> String {
        guard bytes.containsByte(.lessThan) else { return decodeEntities(String(decoding: bytes, as: UTF8.self)) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var commentEnd = ForwardFinder(needle: Array("-->".utf8))
        var skippingUntil: [UInt8]?  // the closing tag whose content is dropped
        // The text since the last tag or comment is copied in one go when the next begins.
        var index = 0, textStart = 0
        func endText() {
            if skippingUntil == nil { output += bytes[textStart..<index] }
        }
        while index < bytes.count {
            guard bytes[index] == .lessThan else {
                index += 1
                continue
            }
            if bytes[index...].starts(with: "<!--".utf8) {
                endText()
                index = commentEnd.next(in: bytes, from: index + 4).map { $0 + 3 } ?? bytes.count
                textStart = index
                continue
            }
            guard let close = tagEnd(in: bytes[...], from: index) else {
                index += 1  // a lone "<", as in "a < b", is text
                continue
            }
            endText()
            let name = bytes[(index + 1)..<close].prefix { isASCIILetterOrDigit($0) || $0 == .slash }.map { $0 | 0x20 }
            let selfClosing = bytes[close - 1] == .slash
            index = close + 1
            textStart = index
            if let closing = skippingUntil {
                if name == closing { skippingUntil = nil }
                continue
            }
            let bare = name.first == .slash ? Array(name.dropFirst()) : name
            if Self.contentDropped.contains(name), !selfClosing {
                skippingUntil = [.slash] + name
            } else if blockTags.contains(String(decoding: bare, as: UTF8.self)) {
                output.append(.newline)
            }  // inline tags like <a> or <span> separate nothing: "<b>Daten</b>schutz" stays one word
        }
        endText()
        return decodeEntities(String(decoding: output, as: UTF8.self))
    }

    private static let contentDropped: Set<[UInt8]> = [Array("script".utf8), Array("style".utf8), Array("iframe".utf8)]

    private static let blockTags: Set<String> = [
        "br", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
        "table", "blockquote", "pre", "hr", "section", "article", "figure", "figcaption", "dd", "dt",
    ]

    /// The `>` that ends the tag whose `<` is at `start`, skipping quoted
    /// attribute values; nil for a `<` that opens no tag.
    static func tagEnd(in text: ArraySlice<UInt8>, from start: Int) -> Int? {
        var index = start + 1
        guard index < text.endIndex,
              isASCIILetterOrDigit(text[index]) && text[index] > UInt8(ascii: "9") || text[index] == .slash
                || text[index] == .exclamationMark else { return nil }
        var quote: UInt8?
        let limit = min(text.endIndex, start + 1024)
        while index < limit {
            let byte = text[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == .quote || byte == .apostrophe {
                quote = byte
            } else if byte == .greaterThan {
                return index
            } else if byte == .lessThan {
                return nil
            }
            index += 1
        }
        return nil
    }

    /// Decodes `&amp;`, `&#8211;`, `&#x2013;` and the named entities found in blog posts.
    static func decodeEntities(_ text: String) -> String {
        guard text.containsByte("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            rest = rest[amp...]
            let candidate = rest.dropFirst().prefix(32)
            if let semicolon = candidate.firstIndex(of: ";"), let scalar = entity(candidate[..<semicolon]) {
                output.unicodeScalars.append(contentsOf: scalar)
                rest = rest[rest.index(after: semicolon)...]
            } else {
                output += "&"
                rest = rest.dropFirst()
            }
        }
        return output + rest
    }

    private static func entity(_ name: Substring) -> String.UnicodeScalarView? {
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            return value.flatMap(Unicode.Scalar.init).map { String($0).unicodeScalars }
        }
        return namedEntities[String(name)].map { String($0).unicodeScalars }
    }

    private static let namedEntities: [String: Character] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "shy": "\u{AD}",
        "ndash": "–", "mdash": "—", "hellip": "…", "laquo": "«", "raquo": "»", "lsaquo": "‹", "rsaquo": "›",
        "bdquo": "„", "ldquo": "“", "rdquo": "”", "sbquo": "‚", "lsquo": "‘", "rsquo": "’", "middot": "·",
        "bull": "•", "deg": "°", "euro": "€", "copy": "©", "reg": "®", "trade": "™", "sect": "§", "para": "¶",
        "times": "×", "divide": "÷", "auml": "ä", "ouml": "ö", "uuml": "ü", "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü",
        "szlig": "ß", "eacute": "é", "egrave": "è", "ecirc": "ê", "aacute": "á", "agrave": "à", "oacute": "ó",
        "ccedil": "ç", "ntilde": "ñ", "Eacute": "É", "zwnj": "\u{200C}", "zwj": "\u{200D}", "thinsp": "\u{2009}",
    ]
}
