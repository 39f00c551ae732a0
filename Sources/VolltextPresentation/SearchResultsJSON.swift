import Foundation
import VolltextIndex

/// The wire JSON of a search, shared by `GET /api/search` and `volltext search --json`.
public enum SearchResultsJSON {
    public static func data(_ results: SearchResults) -> Data { results.jsonData() }
}
