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
    public func url(slug: String, date: PostDate, categories: [String], title: String?, baseURL: String = "") -> String {
        let dayOfYear = Calendar(identifier: .gregorian).ordinality(
            of: .day, in: .year, for: date.instant(in: TimeZone(secondsFromGMT: 0)!)) ?? 1
        let values: [(String, String)] = [  // longest names first, so :i_month is not read as :month
            (":categories", categories.map { Self.slugify($0) }.joined(separator: "/")),
            (":short_year", String(format: "%02d", date.year % 100)),
            (":output_ext", ".html"),
            (":i_month", String(date.month)), (":i_day", String(date.day)),
            (":y_day", String(format: "%03d", dayOfYear)),
            (":minute", String(format: "%02d", date.minute)), (":second", String(format: "%02d", date.second)),
            (":month", String(format: "%02d", date.month)), (":title", Self.slugify(slug, keepingCase: true)),
            (":year", String(date.year)), (":hour", String(format: "%02d", date.hour)),
            (":slug", Self.slugify(slug)), (":day", String(format: "%02d", date.day)),
        ]
        var path = template
        for (name, value) in values { path = path.replacingOccurrences(of: name, with: value) }
        while path.contains("//") { path = path.replacingOccurrences(of: "//", with: "/") }
        if !path.hasPrefix("/") { path = "/" + path }
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        if !base.isEmpty, !base.hasPrefix("/") { base = "/" + base }
        let url = base + path
        return url.addingPercentEncoding(withAllowedCharacters: Self.allowed) ?? url
    }

    private static let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "%"))

    /// Jekyll's `pretty` slugify: runs of characters other than letters, digits
    /// and `._~!$&'()+,;=@` become one hyphen, trimmed at both ends.
    static func slugify(_ text: String, keepingCase: Bool = false) -> String {
        let kept = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "._~!$&'()+,;=@"))
        var slug = ""
        var pendingHyphen = false
        for scalar in text.unicodeScalars {
            if kept.contains(scalar) {
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
