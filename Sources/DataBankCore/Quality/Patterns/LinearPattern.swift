/// A regular expression matched in time linear in the input: compiled to a small automaton
/// (``PatternProgram``) and run as a Thompson NFA (every live state advanced together, one pass
/// over the Unicode scalars, no backtracking), so no pattern — `^(a+)+$` included — can take
/// exponential time on a crafted value. What would need backtracking (backreferences,
/// lookaround, atomic groups, possessive quantifiers) is refused when the pattern compiles, as is
/// counted repetition that would make the automaton too large.
///
/// Quality rules, standards and Table Schema `pattern` constraints all compile through this type,
/// so one pattern is accepted or refused everywhere, with the same message.
public struct LinearPattern: Sendable {
    public let source: String
    let program: PatternProgram

    /// The most instructions a compiled pattern may have (counted repetition is unrolled).
    public static let maxProgramSize = 10_000

    public init(_ source: String) throws(PatternError) {
        self.source = source
        var parser = PatternParser(source)
        let node = try parser.parse()
        program = try PatternProgram(node, limit: Self.maxProgramSize)
    }

    /// Whether the whole value matches (Frictionless `pattern`, a standard's format).
    public func wholeMatch(_ text: String) -> Bool { program.run(text, search: false) }

    /// Whether the pattern matches somewhere in the value (the rule language's `matches`).
    public func contains(_ text: String) -> Bool { program.run(text, search: true) }
}

/// Why a pattern was refused, in both languages; `offset` counts Unicode scalars from 0.
public struct PatternError: Error, Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let zh: String
    public let en: String

    public var description: String { en }

    init(_ offset: Int, zh: String, en: String) { self.offset = offset; self.zh = zh; self.en = en }

    /// A construct that only a backtracking engine can run.
    static func backtracking(_ offset: Int, _ construct: String, zh name: String, en nameEn: String) -> PatternError {
        PatternError(offset, zh: "第 \(offset + 1) 个字符处的\(name) \(construct) 需要回溯匹配，不受支持",
                     en: "\(nameEn) \(construct) at position \(offset + 1) is not supported (it needs backtracking)")
    }
}
