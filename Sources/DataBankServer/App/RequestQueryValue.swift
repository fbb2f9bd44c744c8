import Vapor

extension Request {
    /// The query-string value of `name`, as `query[String.self, at: name]` gives it, without running
    /// the URL-encoded form decoder when the query string cannot hold it: the hot read paths ask
    /// for optional parameters (`purpose`, `fields`) that a point read seldom has, and the decoder
    /// cost more than the rest of the request's own code.
    ///
    /// `name` must be plain ASCII: any `%` in the query string means a name might be
    /// percent-encoded, so the decoder is asked then.
    func queryValue(_ name: String) -> String? {
        guard let text = url.query, !text.isEmpty else { return nil }
        guard text.contains(name) || text.contains("%") else { return nil }
        return query[String.self, at: name]
    }
}
