/// Checks that a source query only reads, before it is sent anywhere: one statement, beginning
/// with `SELECT` or `WITH`, naming no statement that writes or changes the session. The sources
/// run it in a read-only transaction (PostgreSQL) or on a read-only connection (SQLite) as well:
/// this check gives the clear error first, the database is the guarantee.
public enum ReadOnlyQuery {
    /// Words that begin a statement other than a read (as whole words, outside quotes and comments).
    /// (Only words no read needs: `replace`, `comment`, `load` … are common function or column names.)
    static let writing: Set<String> = [
        "insert", "update", "delete", "merge", "upsert", "create", "drop", "alter", "truncate", "grant", "revoke",
        "attach", "detach", "pragma", "vacuum", "reindex", "copy", "execute", "prepare", "begin", "commit",
        "rollback", "savepoint", "listen", "notify", "into"
    ]

    /// nil when `sql` is one read-only statement; else the problem, for the `query` field.
    public static func problem(_ sql: String) -> FieldError? {
        func fail(_ zh: String, _ en: String) -> FieldError {
            FieldError(field: "query", code: "not_read_only", message: zh, messageEn: en)
        }
        guard sql.utf8.count <= 20_000 else { return fail("查询不能超过 20,000 字节", "The query may be at most 20,000 bytes") }
        let scanned = words(sql)
        guard let scanned else { return fail("查询中有未闭合的引号或注释", "The query has an unclosed quote or comment") }
        guard let first = scanned.words.first else { return fail("查询为空", "The query is empty") }
        if scanned.statements > 1 {
            return fail("只能有一条语句（查询中有分号分隔的多条语句）", "Only one statement is allowed (the query holds several, separated by ;)")
        }
        guard first == "select" || first == "with" else {
            return fail("只读查询须以 SELECT 或 WITH 开头，而不是 \(first.uppercased())", "A read-only query begins with SELECT or WITH, not \(first.uppercased())")
        }
        if let bad = scanned.words.first(where: { writing.contains($0) }) {
            return fail("查询含写入或改变会话的关键字 \(bad.uppercased())，连接器只执行只读查询", "The query names \(bad.uppercased()): a connector runs read-only queries only")
        }
        return nil
    }

    /// The query's bare words in lower case (quoted text, quoted names and comments skipped), and
    /// how many statements it holds (a trailing `;` ends the one statement). nil: unclosed.
    static func words(_ sql: String) -> (words: [String], statements: Int)? {
        let b = Array(sql.utf8)
        var i = 0
        var words: [String] = []
        var statements = 0, sawToken = false
        func isWord(_ c: UInt8) -> Bool { c == 0x5F || (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c >= 0x80 }
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "-"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "-") {
                while i < b.count && b[i] != 0x0A { i += 1 }
            } else if c == UInt8(ascii: "/"), i + 1 < b.count, b[i + 1] == UInt8(ascii: "*") {
                i += 2
                while i + 1 < b.count && !(b[i] == UInt8(ascii: "*") && b[i + 1] == UInt8(ascii: "/")) { i += 1 }
                guard i + 1 < b.count else { return nil }
                i += 2
            } else if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "`") {
                i += 1
                while true {
                    guard i < b.count else { return nil }
                    if b[i] == c {
                        if i + 1 < b.count && b[i + 1] == c { i += 2; continue }  // a doubled quote
                        break
                    }
                    i += 1
                }
                i += 1
                sawToken = true
            } else if c == UInt8(ascii: "$") {
                // PostgreSQL's dollar quoting: $tag$ … $tag$ (a bare $1 is a parameter).
                var j = i + 1
                while j < b.count && isWord(b[j]) && !(b[j] >= 0x30 && b[j] <= 0x39 && j == i + 1) { j += 1 }
                if j < b.count && b[j] == UInt8(ascii: "$") {
                    let tag = Array(b[i...j])
                    var k = j + 1
                    while k + tag.count <= b.count && Array(b[k..<(k + tag.count)]) != tag { k += 1 }
                    guard k + tag.count <= b.count else { return nil }
                    i = k + tag.count
                } else {
                    i += 1
                }
                sawToken = true
            } else if c == UInt8(ascii: ";") {
                if sawToken { statements += 1 }
                sawToken = false
                i += 1
            } else if isWord(c) {
                var j = i
                while j < b.count && isWord(b[j]) { j += 1 }
                words.append(String(decoding: b[i..<j], as: UTF8.self).lowercased())
                sawToken = true
                i = j
            } else {
                if c > 0x20 { sawToken = true }
                i += 1
            }
        }
        if sawToken { statements += 1 }
        return (words, statements)
    }
}
