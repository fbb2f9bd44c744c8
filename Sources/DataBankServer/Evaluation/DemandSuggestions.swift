import Fluent
import SQLKit
import Vapor
import DataBankCore

/// Existing resources that may already answer a demand: the catalog search (``CatalogSearch``, so
/// unspaced Chinese matches by bigrams and the caller sees only what the catalog shows them) run on
/// the demand's words.
///
/// The search wants every term of a query, and a need is written as a sentence ("需要全市企业登记和
/// 年报信息"), so the words are tried from the widest to the narrowest: the whole title, then its
/// phrases (split at punctuation, spaces and 和/及/与/或/的), then four-character windows of each
/// phrase — stopping once `limit` resources are found, and after ``maxQueries`` searches.
enum DemandSuggestions {
    static let maxQueries = 16

    static func find(title: String, items: String = "", actor: Actor?, sql: any SQLDatabase, limit: Int = 5) async throws -> [DemandSuggestion] {
        let search = CatalogSearch(sql: sql, actor: actor)
        var found: [DemandSuggestion] = []
        var seen: Set<String> = []
        for q in queries(title: title, items: items).prefix(maxQueries) {
            let page = try await search.run(ResourceQuery(q: q, limit: limit, sort: "relevance"), departmentNames: [:], language: "zh")
            for r in page.items where seen.insert(r.code).inserted {
                found.append(DemandSuggestion(code: r.code, name: r.name, nameEn: r.nameEn, department: r.departmentCode, status: r.status))
            }
            if found.count >= limit { break }
        }
        return Array(found.prefix(limit))
    }

    /// Words too common in a need to say anything about it on their own.
    static let generic: Set<String> = ["需要", "数据", "信息", "全市", "用于", "我们", "相关", "情况", "核验", "查询", "提供"]

    /// The texts to search, widest first, each once: the title, then phrases and four-character windows
    /// by length (longest first), so a generic two-character phrase never crowds out a specific one.
    static func queries(title: String, items: String) -> [String] {
        let separators = Set(" \t\r\n,，、;；:：.。!！?？()（）[]【】《》\"'“”‘’/\\|-—_和及与或的等")
        func phrases(_ text: String) -> [String] {
            text.split(whereSeparator: { separators.contains($0) }).map(String.init).filter { $0.count >= 2 && !generic.contains($0) }
        }
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        let parts = phrases(title) + phrases(items)
        var windows: [String] = []
        for p in parts where p.count > 4 {
            let chars = Array(p)
            for start in stride(from: 0, through: chars.count - 4, by: 2) { windows.append(String(chars[start..<start + 4])) }
            if chars.count % 2 == 1 { windows.append(String(chars[(chars.count - 4)...])) }
        }
        var out: [String] = []
        var seen: Set<String> = []
        for q in [title] + (parts + windows).enumerated().sorted(by: { ($0.element.count, -$0.offset) > ($1.element.count, -$1.offset) }).map(\.element)
        where !q.isEmpty && seen.insert(q).inserted {
            out.append(q)
        }
        return out
    }
}
