/// One blog post as Volltext indexes it: metadata from the front matter and
/// the body turned into plain text.
public struct Post: Sendable, Hashable {
    /// Path of the file relative to the site root, `/`-separated.
    public var path: String
    /// The post's URL path on the site (percent-encoded), from `permalink`.
    public var url: String
    public var title: String
    public var date: PostDate
    public var authors: [String]
    public var tags: [String]
    /// From the front matter and from the folders above `_posts`.
    public var categories: [String]
    /// `description` or `excerpt`.
    public var description: String?
    public var lang: String?
    public var isDraft: Bool
    /// `published: false` in the front matter (Jekyll); `headless` or
    /// `build: {render: never}` (Hugo).
    public var isUnpublished: Bool
    /// Hugo's `publishDate` (else the date counts) and `expiryDate`.
    public var publishDate: PostDate?
    public var expiryDate: PostDate?
    /// The Markdown body as plain text: link and image alt texts kept, URLs,
    /// HTML tags and Liquid dropped, entities decoded.
    public var body: String
    /// Fenced and indented code blocks and `{% highlight %}` blocks, kept apart
    /// so the index can weigh them low.
    public var code: String
    /// Every front-matter field, known or not.
    public var frontMatter: [String: FrontMatterValue]

    public init(path: String, url: String, title: String, date: PostDate, authors: [String] = [], tags: [String] = [],
                categories: [String] = [], description: String? = nil, lang: String? = nil, isDraft: Bool = false,
                isUnpublished: Bool = false, publishDate: PostDate? = nil, expiryDate: PostDate? = nil, body: String, code: String = "", frontMatter: [String: FrontMatterValue] = [:]) {
        self.path = path
        self.url = url
        self.title = title
        self.date = date
        self.authors = authors
        self.tags = tags
        self.categories = categories
        self.description = description
        self.lang = lang
        self.isDraft = isDraft
        self.isUnpublished = isUnpublished
        self.publishDate = publishDate
        self.expiryDate = expiryDate
        self.body = body
        self.code = code
        self.frontMatter = frontMatter
    }
}
