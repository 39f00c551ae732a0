import Foundation

/// Why a site or one of its posts could not be read. Each message names the
/// file (relative to the site root) and, where known, the line.
public enum SiteError: Error, LocalizedError, Equatable, Sendable {
    /// The site folder does not exist or is not a folder.
    case siteNotFound(path: String)
    /// A file could not be read (permissions, I/O).
    case unreadable(path: String, reason: String)
    /// A post is not valid UTF-8; `line` is where the first bad byte is.
    case invalidUTF8(path: String, line: Int)
    /// A post has no front matter, or YAML that does not parse.
    case invalidFrontMatter(path: String, line: Int?, reason: String)
    /// A post's front matter has no usable `title`.
    case missingTitle(path: String, line: Int)
    /// A post's `date` is not one of the accepted forms.
    case invalidDate(path: String, line: Int?, value: String)
    /// A post file is larger than ``SiteReader/maxPostBytes``.
    case tooLarge(path: String, bytes: Int)

    /// The file the error is about, relative to the site root.
    public var path: String {
        switch self {
        case let .siteNotFound(path), let .unreadable(path, _), let .invalidUTF8(path, _),
             let .invalidFrontMatter(path, _, _), let .missingTitle(path, _), let .invalidDate(path, _, _),
             let .tooLarge(path, _):
            path
        }
    }

    public var line: Int? {
        switch self {
        case .siteNotFound, .unreadable, .tooLarge: nil
        case let .invalidUTF8(_, line), let .missingTitle(_, line): line
        case let .invalidFrontMatter(_, line, _), let .invalidDate(_, line, _): line
        }
    }

    /// The reason without the location.
    public var reason: String {
        switch self {
        case .siteNotFound: "no such site folder"
        case let .unreadable(_, reason): "cannot read: \(reason)"
        case .invalidUTF8: "not valid UTF-8"
        case let .invalidFrontMatter(_, _, reason): "front matter: \(reason)"
        case .missingTitle: "front matter has no title"
        case let .tooLarge(_, bytes):
            "\(bytes / 1_000_000) MB is more than a post may have (\(SiteReader.maxPostBytes / 1_000_000) MB)"
        case let .invalidDate(_, _, value):
            "date \"\(value)\" is not YYYY-MM-DD, YYYY-MM-DD HH:MM[:SS] or ISO 8601"
        }
    }

    /// `path:line: reason`, as compilers print it.
    public var errorDescription: String? {
        if let line { "\(path):\(line): \(reason)" } else { "\(path): \(reason)" }
    }
}
