/// Raw HTML inside Markdown (iframes, `<br>`, `<a href>`), reduced to its text.
enum HTMLText {
    /// Drops tags and comments, and the content of `script`, `style` and
    /// `iframe`; block tags and `<br>` become line breaks; entities are decoded.
    static func text(of html: String) -> String {
        var output = ""
        var rest = Substring(html)
        var skippingUntil: String?  // closing tag whose content is dropped
        while let open = rest.firstIndex(of: "<") {
            if skippingUntil == nil { output += rest[..<open] }
            rest = rest[open...]
            if rest.hasPrefix("<!--") {
                rest = rest.range(of: "-->").map { rest[$0.upperBound...] } ?? ""
                continue
            }
            guard let close = tagEnd(in: rest) else {
                // A lone "<" (as in "a < b") is text.
                if skippingUntil == nil { output += "<" }
                rest = rest.dropFirst()
                continue
            }
            let tag = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
            let name = tag.prefix { $0.isLetter || $0.isNumber || $0 == "/" }.lowercased()
            if let closing = skippingUntil {
                if name == closing { skippingUntil = nil }
                continue
            }
            if ["script", "style", "iframe"].contains(name), !tag.hasSuffix("/") {
                skippingUntil = "/" + name
            } else if blockTags.contains(name.hasPrefix("/") ? String(name.dropFirst()) : name) {
                output += "\n"
            } else {
                // Inline tags like <a> or <span> separate nothing: "<b>Daten</b>schutz" stays one word.
            }
        }
        if skippingUntil == nil { output += rest }
        return decodeEntities(output)
    }

    private static let blockTags: Set<String> = [
        "br", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
        "table", "blockquote", "pre", "hr", "section", "article", "figure", "figcaption", "dd", "dt",
    ]

    /// The `>` that ends the tag starting at `text.startIndex`, skipping quoted attribute values.
    private static func tagEnd(in text: Substring) -> String.Index? {
        var quote: Character?
        var index = text.index(after: text.startIndex)
        guard index < text.endIndex, text[index].isLetter || text[index] == "/" || text[index] == "!" else { return nil }
        while index < text.endIndex {
            let character = text[index]
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == ">" {
                return index
            }
            index = text.index(after: index)
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
