import ArgumentParser
import VolltextSite

/// Which of a site's posts are read: shared by `index` and `serve --site`.
struct SiteOptions: ParsableArguments {
    @Flag(help: "Include drafts (Jekyll's _drafts/, Hugo's draft: true).")
    var drafts = false

    @Flag(help: "Include posts dated in the future.")
    var future = false

    @Flag(help: "Hugo: include pages whose expiryDate has passed.")
    var expired = false

    @Option(name: .customLong("section"), help: ArgumentHelp(
        "Hugo: read only this section of content/ (repeatable; default: the site's mainSections, else all).",
        valueName: "name"))
    var sections: [String] = []

    var reader: SiteReader.Options {
        SiteReader.Options(drafts: drafts, future: future, expired: expired, sections: sections)
    }
}
