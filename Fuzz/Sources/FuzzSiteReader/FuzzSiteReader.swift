import Foundation
import VolltextSite

/// Two sites, made once: a Jekyll one and a Hugo one, each read any bytes as a post.
private let sites: [(SiteReader, SiteReader.PostFile)] = {
    let base = FileManager.default.temporaryDirectory.appendingPathComponent("volltext-fuzz-\(getpid())")
    var made: [(SiteReader, SiteReader.PostFile)] = []
    for (folder, config, post) in [("jekyll", "_config.yml", "_posts/2020-01-01-fuzz.md"),
                                   ("hugo", "hugo.toml", "content/blog/2020-01-01-fuzz.md")] {
        let root = base.appendingPathComponent(folder)
        let file = root.appendingPathComponent(post)
        try! FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data().write(to: root.appendingPathComponent(config))
        try! Data("---\ntitle: x\n---\n".utf8).write(to: file)
        let reader = try! SiteReader(root: root)
        made.append((reader, try! reader.postFiles()[0]))
    }
    return made
}()

/// Reading never crashes: a post is read or rejected with its path, and a read post has no markup left.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSiteReader(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let contents = Data(bytes: data, count: size)
    for (reader, file) in sites {
        do {
            let post = try reader.post(from: file, contents: contents)
            _ = reader.exclusionReason(for: post)
        } catch {
            precondition(error.path == file.path, "an error names another file")
        }
        _ = SiteReader.mayBeRetracted(contents)
    }
    return 0
}
