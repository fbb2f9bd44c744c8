/// The copy-paste examples of a dataset's "API" tab, for curl and Python (standard library only,
/// so they run as written). `base` is the server's address as the visitor reached it.
public struct OpenAPIExamples: Sendable {
    public var base: String
    public var code: String

    public init(base: String, code: String) {
        self.base = base.hasSuffix("/") ? String(base.dropLast()) : base
        self.code = code
    }

    /// The portal's data endpoint for a file or the preview.
    public func url(_ tail: String) -> String { "\(base)/api/v1/open/datasets/\(code)/\(tail)" }

    /// Downloads the whole dataset as CSV (add `?bom=true` for Excel), then reads the first rows as JSON.
    public var curl: String {
        """
        curl -fsS -o \(code).csv '\(url("data.csv"))'
        curl -fsS '\(url("preview?page=1"))'
        """
    }

    /// Reads every record, one JSON object a line, in constant memory.
    public var python: String {
        """
        import json
        import urllib.request

        url = "\(url("data.ndjson"))"
        count = 0
        with urllib.request.urlopen(url) as response:
            for line in response:
                record = json.loads(line)
                count += 1
        print(count, "records; the last:", record if count else None)
        """
    }
}
