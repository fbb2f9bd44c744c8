/// The part of Solr's syntax CKAN clients send in `fq`, translated to DataBank's catalog facets:
/// `field:value`, `field:"quoted value"`, `field:(a OR b)` (any of), `field:*` (has one), `*:*`,
/// clauses joined by whitespace, `AND` or `&&`, each optionally prefixed by `+` (must) or `-`/`NOT`
/// (must not). What it cannot translate exactly (OR between clauses, ranges, wildcards inside a
/// value, fields DataBank does not hold) is refused rather than answered wrongly.
public struct CKANFilterQuery: Hashable, Sendable {
    /// The fields a clause may name (CKAN's Solr field names).
    public enum Field: String, CaseIterable, Sendable {
        case organization, groups, tags, res_format, license_id, name, id
        /// Always `dataset` / `public` in DataBank: accepted so clients that add them still work.
        case dataset_type, capacity, state
        /// DataBank's extras, by their CKAN extra names.
        case open_type, update_cycle
    }

    public struct Clause: Hashable, Sendable {
        public var field: Field
        /// Any of these values matches; empty with `any` for `field:*`.
        public var values: [String]
        /// `field:*`: the package has some value of the field.
        public var any: Bool
        public var negated: Bool
    }

    public var clauses: [Clause]

    public init(clauses: [Clause]) { self.clauses = clauses }

    /// CKAN answers a query Solr refuses with its `Search Error`; this is its message.
    public struct Problem: Error, Hashable, Sendable {
        public var message: String
        init(_ message: String) { self.message = message }
    }

    public static func parse(_ text: String) throws(Problem) -> CKANFilterQuery {
        var scanner = Scanner(Array(text))
        var clauses: [Clause] = []
        var negateNext = false
        while true {
            scanner.skipSpaces()
            guard let c = scanner.peek else { break }
            if c == "(" || c == ")" {
                throw Problem(
                    "cannot translate fq \(quoted(text)): parenthesised groups of clauses are not supported; write the clauses side by side (AND) or field:(a OR b)"
                )
            }
            var negated = negateNext
            negateNext = false
            if c == "+" { scanner.advance() } else if c == "-" || c == "!" { scanner.advance(); negated.toggle() }
            let word = scanner.word()
            switch word {
            case "AND", "&&":
                guard !negated else { throw Problem("cannot translate fq \(quoted(text)): a sign before AND") }
                continue
            case "NOT":
                negateNext = !negated
                continue
            case "OR", "||":
                throw Problem("cannot translate fq \(quoted(text)): OR between clauses is not supported; use field:(a OR b) for alternatives of one field")
            default: break
            }
            guard scanner.peek == ":" else {
                throw Problem("cannot translate fq \(quoted(text)): \(quoted(word)) is not of the form field:value")
            }
            scanner.advance()
            if word == "*" {
                guard scanner.word() == "*" else { throw Problem("cannot translate fq \(quoted(text)): only *:* may name the field *") }
                if negated { throw Problem("cannot translate fq \(quoted(text)): -*:* matches nothing") }
                continue
            }
            guard let field = Field(rawValue: word) else {
                throw Problem("undefined field \(word) (fq understands \(Field.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let values = try scanner.values(text)
            if values == ["*"] {
                clauses.append(Clause(field: field, values: [], any: true, negated: negated))
            } else {
                for v in values where v.contains("*") || v.contains("?") {
                    throw Problem("cannot translate fq \(quoted(text)): wildcards inside a value (\(v)) are not supported")
                }
                clauses.append(Clause(field: field, values: values, any: false, negated: negated))
            }
        }
        if negateNext { throw Problem("cannot translate fq \(quoted(text)): NOT at the end") }
        return CKANFilterQuery(clauses: clauses)
    }

    static func quoted(_ s: String) -> String { "'" + s + "'" }

    private struct Scanner {
        let chars: [Character]
        var at = 0
        init(_ chars: [Character]) { self.chars = chars }
        var peek: Character? { at < chars.count ? chars[at] : nil }
        mutating func advance() { at += 1 }
        mutating func skipSpaces() { while let c = peek, c.isWhitespace { advance() } }

        /// A bare word: up to whitespace, a colon or a parenthesis; `\x` escapes x.
        mutating func word() -> String {
            var out = ""
            while let c = peek, !c.isWhitespace, c != ":", c != "(", c != ")" {
                if c == "\\", at + 1 < chars.count { advance() }
                out.append(chars[at]); advance()
            }
            return out
        }

        mutating func quotedValue(_ text: String) throws(Problem) -> String {
            advance()  // the opening quote
            var out = ""
            while let c = peek {
                advance()
                if c == "\"" { return out }
                if c == "\\", let next = peek { out.append(next); advance(); continue }
                out.append(c)
            }
            throw Problem("cannot translate fq \(CKANFilterQuery.quoted(text)): a quote is not closed")
        }

        /// One value, or `(a OR b …)`.
        mutating func values(_ text: String) throws(Problem) -> [String] {
            if peek == "\"" { return [try quotedValue(text)] }
            guard peek == "(" else {
                let v = word()
                guard !v.isEmpty else { throw Problem("cannot translate fq \(CKANFilterQuery.quoted(text)): a field without a value") }
                if v.hasPrefix("[") || v.hasPrefix("{") { throw Problem("cannot translate fq \(CKANFilterQuery.quoted(text)): ranges are not supported") }
                return [v]
            }
            advance()
            var out: [String] = []
            var expectValue = true
            while true {
                skipSpaces()
                guard let c = peek else { throw Problem("cannot translate fq \(CKANFilterQuery.quoted(text)): a parenthesis is not closed") }
                if c == ")" { advance(); break }
                if expectValue {
                    let v = c == "\"" ? try quotedValue(text) : word()
                    guard !v.isEmpty else { throw Problem("cannot translate fq \(CKANFilterQuery.quoted(text)): an empty alternative") }
                    out.append(v)
                    expectValue = false
                } else {
                    let op = word()
                    guard op == "OR" || op == "||" else {
                        throw Problem("cannot translate fq \(CKANFilterQuery.quoted(text)): inside field:( … ) only OR joins values")
                    }
                    expectValue = true
                }
            }
            guard !out.isEmpty, !expectValue else { throw Problem("cannot translate fq \(CKANFilterQuery.quoted(text)): an empty group") }
            return out
        }
    }
}
