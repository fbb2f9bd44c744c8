import Vapor

/// `limit` and `offset` of a list endpoint: whole numbers in range, or a 400 naming the parameter
/// (as the records API answers), never silently clamped.
enum ListPaging {
    static func parse(_ req: Request, defaultLimit: Int, maxLimit: Int, minLimit: Int = 1) throws -> (limit: Int, offset: Int) {
        (try limit(req.query[String.self, at: "limit"], default: defaultLimit, range: minLimit...maxLimit),
         try offset(req.query[String.self, at: "offset"]))
    }

    static func limit(_ text: String?, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text else { return value }
        guard let n = Int(text), range.contains(n) else {
            throw AppError.field(.badRequest, "invalid_limit", "limit", zh: "limit 为 \(range.lowerBound)–\(range.upperBound) 的整数",
                                 en: "limit is a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return n
    }

    static func offset(_ text: String?) throws -> Int {
        guard let text else { return 0 }
        guard let n = Int(text), (0...10_000_000).contains(n) else {
            throw AppError.field(.badRequest, "invalid_offset", "offset", zh: "offset 为不小于 0 的整数", en: "offset is a whole number from 0")
        }
        return n
    }
}
