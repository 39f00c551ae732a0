import Foundation
import Hummingbird

/// The search page and the drop-in script, shipped as package resources and
/// read once at start: plain HTML, CSS and JavaScript, no build step.
struct PageController: Sendable {
    private struct Asset: Sendable {
        let bytes: ByteBuffer
        let contentType: String
    }

    private let assets: [String: Asset]

    init() throws {
        var assets: [String: Asset] = [:]
        for (route, file, type) in [
            ("/", "index.html", "text/html; charset=utf-8"),
            ("/volltext.js", "volltext.js", "text/javascript; charset=utf-8"),
            ("/volltext.css", "volltext.css", "text/css; charset=utf-8"),
        ] {
            let name = file as NSString
            guard let url = Bundle.module.url(forResource: name.deletingPathExtension, withExtension: name.pathExtension,
                                              subdirectory: "Resources") else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: file])
            }
            let data = try Data(contentsOf: url)
            assets[route] = Asset(bytes: ByteBuffer(bytes: data), contentType: type)
        }
        self.assets = assets
    }

    func addRoutes(to router: Router<VolltextRequestContext>) {
        for (route, asset) in assets {
            router.get(RouterPath(stringLiteral: route)) { _, _ in
                var headers = HTTPFields()
                headers[.contentType] = asset.contentType
                headers[.cacheControl] = "public, max-age=300"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.bytes))
            }
        }
    }
}
