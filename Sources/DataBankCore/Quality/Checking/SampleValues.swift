/// Values that pass a column's quality rules, deterministic per row and distinct per row where
/// the rule's shape allows (keys): for demos, benchmarks and tests, so generated data is clean
/// data and every finding in a report is a seeded one.
public struct SampleValues: Sendable {
    let semantic: [String: SemanticKind]
    let codes: [String: [String]]
    let patterns: [String: String]
    /// Date columns that cannot be in the future: their dates end years before any "today".
    let notFuture: Set<String>

    public init(rules: [QualityRule]) {
        var semantic: [String: SemanticKind] = [:], codes: [String: [String]] = [:], patterns: [String: String] = [:]
        var notFuture: Set<String> = []
        for rule in rules {
            guard let column = rule.column else { continue }
            switch rule.kind {
            case .semantic: semantic[column] = rule.semantic
            case .domain: codes[column] = rule.codes
            case .pattern: patterns[column] = rule.pattern
            case .notFuture: notFuture.insert(column)
            default: break
            }
        }
        self.semantic = semantic; self.codes = codes; self.patterns = patterns; self.notFuture = notFuture
    }

    /// Whether `column` has a rule this generator answers for.
    public func covers(_ column: String) -> Bool {
        semantic[column] != nil || codes[column] != nil || patterns[column] != nil || notFuture.contains(column)
    }

    /// A passing value for `column` at `row`, or nil when no rule constrains it.
    public func value(_ column: String, row i: Int) -> String? {
        // 2011-01-26 … 2019-04-13: in the past whatever day the data is loaded.
        if notFuture.contains(column) { return CivilDate(daysSinceEpoch: 15_000 + i % 3_000).iso }
        if let kind = semantic[column], let v = Self.value(kind, row: i) { return v }
        if let list = codes[column], !list.isEmpty { return list[i % list.count] }
        if let pattern = patterns[column] { return PatternSample.generate(pattern, row: i) }
        return nil
    }

    static let regions = ["440604", "440605", "440606", "440607", "440608"]

    /// Valid identifiers, distinct per row (resident IDs up to 27 million rows, credit codes up to 10^8).
    public static func value(_ kind: SemanticKind, row i: Int) -> String? {
        switch kind {
        case .residentID:
            let birth = CivilDate(daysSinceEpoch: -7_300 + (i / 1_000) % 20_000).iso.filter(\.isNumber)
            var body = Array(regions[i % regions.count] + birth + String(i % 1_000).padding(3, left: true))
            let s = zip(body, SemanticValidator.idWeights).reduce(0) { $0 + Int($1.0.asciiValue! - 48) * $1.1 }
            body.append(SemanticValidator.idCheckChars[s % 11])
            return String(body)
        case .creditCode:
            var org = Array(String(i % 100_000_000).padding(8, left: true))
            org.append(SemanticValidator.orgCheckCharacter(org))
            var code = Array("91" + regions[0]) + org  // one region, so codes sort in row order
            code.append(SemanticValidator.usccCheckCharacter(code))
            return String(code)
        case .mobile: return "13" + String(800_000_000 + i % 100_000_000).padding(9, left: true)
        case .landline: return "0757-8" + String(i % 10_000_000).padding(7, left: true)
        case .regionCode: return regions[i % regions.count]
        case .postalCode: return "528" + String(i % 1_000).padding(3, left: true)
        case .email: return "user\(i)@example.gov.cn"
        case .date: return CivilDate(daysSinceEpoch: 18_000 + i % 3_000).iso
        case .plain, .personName, .address, .plate: return nil
        }
    }
}

/// Strings matching a simple regular expression (literals, classes, `{n}`, `{n,m}`, `?`, `+`, `*`,
/// groups with `|`), chosen by the row number so that different rows differ where they can.
enum PatternSample {
    static func generate(_ pattern: String, row: Int) -> String? {
        var p = Array(pattern)
        if p.first == "^" { p.removeFirst() }
        if p.last == "$" { p.removeLast() }
        var counter = row
        var index = 0
        guard let out = sequence(p, &index, &counter), index == p.count else { return nil }
        return out
    }

    /// A sequence up to `|` or `)`.
    static func sequence(_ p: [Character], _ i: inout Int, _ counter: inout Int) -> String? {
        var out = ""
        while i < p.count, p[i] != "|", p[i] != ")" {
            guard let atom = atom(p, &i) else { return nil }
            var (lo, hi) = (1, 1)
            if i < p.count {
                switch p[i] {
                case "?": (lo, hi) = (0, 1); i += 1
                case "*": (lo, hi) = (0, 2); i += 1
                case "+": (lo, hi) = (1, 2); i += 1
                case "{":
                    guard let close = p[i...].firstIndex(of: "}") else { return nil }
                    let parts = String(p[(i + 1)..<close]).split(separator: ",", omittingEmptySubsequences: false).map { Int($0) }
                    guard let first = parts.first ?? nil else { return nil }
                    lo = first; hi = parts.count > 1 ? (parts[1] ?? first + 2) : first
                    i = close + 1
                default: break
                }
            }
            // Optional parts are always written (so values are full-length); repetitions take the most.
            for _ in 0..<max(hi, lo == 0 ? 1 : lo) {
                guard let s = atom(&counter) else { return nil }
                out += s
            }
        }
        return out
    }

    /// One atom: a literal, an escaped class, a `[class]` or a group; returns a producer.
    static func atom(_ p: [Character], _ i: inout Int) -> ((inout Int) -> String?)? {
        let c = p[i]
        switch c {
        case "[":
            guard let close = p[(i + 1)...].firstIndex(of: "]") else { return nil }
            let set = expand(Array(p[(i + 1)..<close]))
            i = close + 1
            guard !set.isEmpty else { return nil }
            return { counter in
                let choice = set[set.count - 1 - counter % set.count]  // the last choices first: digits 9, letters Z…
                counter /= set.count
                return String(choice)
            }
        case "(":
            i += 1
            var alternatives: [String] = []
            var scratch = 0
            while i < p.count {
                guard let s = sequence(p, &i, &scratch) else { return nil }
                alternatives.append(s)
                if i < p.count, p[i] == "|" { i += 1; continue }
                break
            }
            guard i < p.count, p[i] == ")" else { return nil }
            i += 1
            let first = alternatives[0]
            return { _ in first }
        case "\\":
            guard i + 1 < p.count else { return nil }
            let e = p[i + 1]
            i += 2
            switch e {
            case "d":
                return { counter in
                    let d = counter % 10; counter /= 10; return String(9 - d)
                }
            case "w": return { _ in "a" }
            default: return { _ in String(e) }
            }
        case ".":
            i += 1
            return { _ in "a" }
        default:
            i += 1
            return { _ in String(c) }
        }
    }

    /// The characters of a class body like `0-9A-HJ-N`.
    static func expand(_ body: [Character]) -> [Character] {
        var out: [Character] = []
        var k = 0
        while k < body.count {
            if k + 2 < body.count, body[k + 1] == "-", let a = body[k].unicodeScalars.first?.value, let b = body[k + 2].unicodeScalars.first?.value, a <= b {
                for v in a...b { if let s = Unicode.Scalar(v) { out.append(Character(s)) } }
                k += 3
            } else {
                out.append(body[k]); k += 1
            }
        }
        return out
    }
}
