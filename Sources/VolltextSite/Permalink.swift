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
            let name = rest[rest.index(after: colon)...].prefix { $0.isLetter || $0 == "_" }
            if let value = value(of: name, slug: slug, date: date, categories: categories) {
                path += value
            } else {
                path += ":" + name  // not a placeholder: keep as written
            }
            rest = rest[rest.index(colon, offsetBy: 1 + name.count)...]
        }
        path += rest
        while path.contains("//") { path = path.replacingOccurrences(of: "//", with: "/") }
        if !path.hasPrefix("/") { path = "/" + path }
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if !base.isEmpty, !base.hasPrefix("/") { base = "/" + base }
        let url = base + path
        return url.addingPercentEncoding(withAllowedCharacters: Self.allowed) ?? url
    }

    private func value(of placeholder: Substring, slug: String, date: PostDate, categories: [String]) -> String? {
        switch placeholder {
        case "categories": categories.map { Self.slugify($0) }.joined(separator: "/")
        case "year": String(date.year)
        case "short_year": String(format: "%02d", date.year % 100)
        case "month": String(format: "%02d", date.month)
        case "i_month": String(date.month)
        case "day": String(format: "%02d", date.day)
        case "i_day": String(date.day)
        case "y_day":
            String(format: "%03d", Calendar(identifier: .gregorian).ordinality(
                of: .day, in: .year, for: date.instant(in: TimeZone(secondsFromGMT: 0)!)) ?? 1)
        case "hour": String(format: "%02d", date.hour)
        case "minute": String(format: "%02d", date.minute)
        case "second": String(format: "%02d", date.second)
        case "title": Self.slugify(slug, keepingCase: true)
        case "slug": Self.slugify(slug)
        case "output_ext": ".html"
        default: nil
        }
    }

    private static let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "%"))

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
