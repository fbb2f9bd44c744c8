import Vapor
import SQLKit

extension Request {
    /// "zh" (default) or "en": from `?lang=`, then the `lang` cookie, then Accept-Language.
    var language: String {
        if let q = query[String.self, at: "lang"], q == "en" || q == "zh" { return q }
        if let c = cookies["lang"]?.string, c == "en" || c == "zh" { return c }
        if let accept = headers.first(name: .acceptLanguage)?.lowercased(), accept.hasPrefix("en") { return "en" }
        return "zh"
    }

    var sql: any SQLDatabase { db as! any SQLDatabase }
}
