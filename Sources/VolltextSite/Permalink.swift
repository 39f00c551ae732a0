import Foundation

/// Jekyll's permalink templates: a built-in style (`date`, `pretty`,
/// `ordinal`, `none`) or a pattern such as `blog/:year/:month/:title/`.
public struct Permalink: Sendable, Hashable {
    public let template: String

    public init(_ styleOrTemplate: String) {
        switch styleOrTemplate {
        case "date": template = "/:categories/:year/:month/:day/:title:output_ext"
        case "pretty": template = "/:categories/:year/:month/:day/:title/"
        case "ordinal": template = "/:categories/:year/:y_day/:title:output_ext"
        case "none": template = "/:categories/:title:output_ext"
        default: template = styleOrTemplate
        }
    }

    /// Jekyll's default.
    public static let date = Permalink("date")

    /// The URL path for a post; `slug` is the file name without date and extension.
    public func url(slug: String, date: PostDate, categories: [String], baseURL: String = "") -> String {
        var path = ""
        var rest = Substring(template)
        while let colon = rest.firstIndex(of: ":") {
            path += rest[..<colon]
            let name = rest[rest.index(after: colon)...].prefix(while: Self.mayBeInPlaceholder)
            if let value = value(of: name, slug: slug, date: date, categories: categories) {
                path += value
            } else {
                path += ":" + name  // not a placeholder: keep as written
            }
            rest = rest[rest.index(colon, offsetBy: 1 + name.count)...]
        }
        path += rest
        path = Self.collapsingSlashes(path)
        if !path.hasPrefix("/") { path = "/" + path }
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if !base.isEmpty, !base.hasPrefix("/") { base = "/" + base }
        let url = base + path
        // Most URLs need no escaping: Foundation's percent-encoding only for those that do.
        if url.utf8.allSatisfy({ $0 < 128 && Self.allowedASCII[Int($0)] }) { return url }
        return url.addingPercentEncoding(withAllowedCharacters: Self.allowed) ?? url
    }

    /// Letters and `_`: what a placeholder's name is made of. ASCII is checked
    /// without Unicode's property tables, which a URL for every post looked up.
    private static func mayBeInPlaceholder(_ character: Character) -> Bool {
        guard let ascii = character.asciiValue else { return character.isLetter }
        return (ascii >= 0x61 && ascii <= 0x7A) || (ascii >= 0x41 && ascii <= 0x5A) || ascii == 0x5F
    }

    /// `a//b///c` → `a/b/c`: an empty placeholder (no categories) leaves a double slash.
    private static func collapsingSlashes(_ path: String) -> String {
        guard path.utf8.count > 1 else { return path }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(path.utf8.count)
        var changed = false
        for byte in path.utf8 {
            if byte == UInt8(ascii: "/"), bytes.last == UInt8(ascii: "/") { changed = true; continue }
            bytes.append(byte)
        }
        return changed ? String(decoding: bytes, as: UTF8.self) : path
    }

    private func value(of placeholder: Substring, slug: String, date: PostDate, categories: [String]) -> String? {
        switch placeholder {
        case "categories": categories.map { Self.slugify($0) }.joined(separator: "/")
        case "year": String(date.year)
        case "short_year": String(date.year % 100, zeroPaddedTo: 2)
        case "month": String(date.month, zeroPaddedTo: 2)
        case "i_month": String(date.month)
        case "day": String(date.day, zeroPaddedTo: 2)
        case "i_day": String(date.day)
        case "y_day":
            String(Calendar(identifier: .gregorian).ordinality(
                of: .day, in: .year, for: date.instant(in: TimeZone(secondsFromGMT: 0)!)) ?? 1, zeroPaddedTo: 3)
        case "hour": String(date.hour, zeroPaddedTo: 2)
        case "minute": String(date.minute, zeroPaddedTo: 2)
        case "second": String(date.second, zeroPaddedTo: 2)
        case "title": Self.slugify(slug, keepingCase: true)
        case "slug": Self.slugify(slug)
        case "output_ext": ".html"
        default: nil
        }
    }

    private static let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "%"))
    /// `allowed`'s ASCII members, by byte.
    private static let allowedASCII: [Bool] = (0..<128).map { allowed.contains(Unicode.Scalar(UInt8($0))) }

    /// Jekyll's `pretty` slugify: runs of characters other than letters, digits
    /// and `._~!$&'()+,;=@` become one hyphen, trimmed at both ends.
    static func slugify(_ text: String, keepingCase: Bool = false) -> String {
        var slug = ""
        var pendingHyphen = false
        for scalar in text.unicodeScalars {
            let properties = scalar.properties
            if properties.isAlphabetic || properties.numericType != nil || "._~!$&'()+,;=@".unicodeScalars.contains(scalar) {
                if pendingHyphen, !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        return keepingCase ? slug : slug.lowercased()
    }
}
