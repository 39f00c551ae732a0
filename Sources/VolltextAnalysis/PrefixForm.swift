/// How a prefix query (`Bürgerbeteil*`) meets indexed words: the one owner of a
/// rule that the index side (``GermanAnalyzer`` with `prefixForms`) and the query
/// side (the FTS5 tokenizer and `SearchQuery`) must apply alike.
///
/// Stems are cut words (`bürgerbeteiligung` → `burgerbeteil`), so a prefix longer
/// than the stem would miss them. Beside each stem the index therefore stores a
/// prefix form, `^` + the folded word, and a prefix query asks for its folded
/// text both as a stem prefix and, after the marker, as a folded-word prefix.
///
/// A word that is its stem, or its stem and one letter more (`Gesetze`, stem
/// `gesetz`), gets no prefix form: the only prefix longer than its stem is the
/// whole word, and a prefix query searches a whole word typed like that as a word
/// too. That saves a third of the prefix forms.
public enum PrefixForm {
    /// Starts a prefix form; no word contains it.
    public static let marker = UInt8(ascii: "^")

    /// Whether a word with this stem and folded form gets a prefix form in the index.
    @inline(__always)
    public static func isIndexed<Scalars: Collection>(stem: Scalars, folded: Scalars) -> Bool where Scalars.Element: Equatable {
        folded.count >= stem.count + 2 || !folded.starts(with: stem)
    }

    /// Whether a prefix query ending in `folded` (with stem `stem`) must also
    /// search it as a whole word, because the index has no prefix form for it.
    public static func needsWholeWordSearch(stem: String, folded: String) -> Bool {
        !isIndexed(stem: stem.unicodeScalars, folded: folded.unicodeScalars) && folded.unicodeScalars.count == stem.unicodeScalars.count + 1
    }
}
