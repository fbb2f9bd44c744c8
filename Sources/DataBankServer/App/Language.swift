import Vapor
import SQLKit

extension Request {
    /// "zh" (default: the portal is Chinese first) or "en": from `?lang=`, then the `lang` cookie.
    var language: String {
        if let q = query[String.self, at: "lang"], q == "en" || q == "zh" { return q }
        if let c = cookies["lang"]?.string, c == "en" || c == "zh" { return c }
        return "zh"
    }

    var sql: any SQLDatabase { db.sql }
}
