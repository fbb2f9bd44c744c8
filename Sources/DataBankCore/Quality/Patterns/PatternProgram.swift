/// A pattern compiled to a Thompson automaton: each instruction consumes one scalar (`set`),
/// forks (`split`), jumps, tests a position (`assert`) or accepts. Counted repetition is
/// unrolled, so the program's size is bounded to keep matching cheap.
struct PatternProgram: Sendable {
    enum Instruction: Sendable {
        case set(ScalarSet)
        case split(Int, Int)
        case jump(Int)
        case assert(PatternAssertion)
        case match
    }

    private(set) var code: [Instruction] = []

    init(_ node: PatternNode, limit: Int) throws(PatternError) {
        var builder = Builder(limit: limit)
        try builder.emit(node)
        try builder.append(.match)
        code = builder.code
    }

    struct Builder {
        let limit: Int
        var code: [Instruction] = []

        mutating func append(_ i: Instruction) throws(PatternError) {
            guard code.count < limit else {
                throw PatternError(0, zh: "模式展开后过大（超过 \(limit) 步），请减少重复次数",
                                   en: "the pattern is too large once its repetitions are expanded (over \(limit) steps); use smaller counts")
            }
            code.append(i)
        }

        mutating func emit(_ node: PatternNode) throws(PatternError) {
            switch node {
            case .empty: break
            case .set(let s): try append(.set(s))
            case .assertion(let a): try append(.assert(a))
            case .concat(let items): for n in items { try emit(n) }
            case .alternation(let branches):
                var exits: [Int] = []
                for (k, b) in branches.enumerated() {
                    if k < branches.count - 1 {
                        let fork = code.count
                        try append(.split(fork + 1, -1))
                        try emit(b)
                        exits.append(code.count)
                        try append(.jump(-1))
                        code[fork] = .split(fork + 1, code.count)
                    } else {
                        try emit(b)
                    }
                }
                for e in exits { code[e] = .jump(code.count) }
            case .repetition(let body, let min, let max):
                for _ in 0..<min { try emit(body) }
                if let max {
                    // (x(x(x)?)?)? — every fork leaves to the same end.
                    var forks: [Int] = []
                    for _ in min..<max {
                        forks.append(code.count)
                        try append(.split(code.count + 1, -1))
                        try emit(body)
                    }
                    for f in forks { code[f] = .split(f + 1, code.count) }
                } else {
                    let fork = code.count
                    try append(.split(fork + 1, -1))
                    try emit(body)
                    try append(.jump(fork))
                    code[fork] = .split(fork + 1, code.count)
                }
            }
        }
    }

    /// Runs the automaton over `text`'s scalars: every live state advances together, so the
    /// time is at most (scalars + 1) × instructions. `search` lets a match start anywhere.
    func run(_ text: String, search: Bool) -> Bool {
        var current = ThreadList(size: code.count), next = ThreadList(size: code.count)
        var generation = 1
        var iterator = text.unicodeScalars.makeIterator()
        var scalar = iterator.next()
        add(0, to: &current, generation: generation, previous: nil, next: scalar)
        while true {
            if search && current.contains(match: code) { return true }
            guard let c = scalar else { break }
            if current.count == 0 && !search { return false }
            let following = iterator.next()
            generation += 1
            next.clear()
            for k in 0..<current.count {
                let pc = current.items[k]
                if case .set(let s) = code[pc], s.contains(c) {
                    add(pc + 1, to: &next, generation: generation, previous: c, next: following)
                }
            }
            if search { add(0, to: &next, generation: generation, previous: c, next: following) }
            swap(&current, &next)
            scalar = following
        }
        return current.contains(match: code)
    }

    /// Follows forks, jumps and assertions from `pc` at one position, adding each state once.
    private func add(_ pc: Int, to list: inout ThreadList, generation: Int, previous: Unicode.Scalar?, next: Unicode.Scalar?) {
        var stack = [pc]
        while let pc = stack.popLast() {
            guard list.mark(pc, generation) else { continue }
            switch code[pc] {
            case .jump(let to): stack.append(to)
            case .split(let a, let b): stack.append(b); stack.append(a)
            case .assert(let a):
                if Self.holds(a, previous: previous, next: next) { stack.append(pc + 1) }
            case .set, .match: list.items[list.count] = pc; list.count += 1
            }
        }
    }

    private static func holds(_ a: PatternAssertion, previous: Unicode.Scalar?, next: Unicode.Scalar?) -> Bool {
        switch a {
        case .start: return previous == nil
        case .end: return next == nil
        case .wordBoundary, .notWordBoundary:
            let before = previous.map(ScalarClass.word.contains) ?? false
            let after = next.map(ScalarClass.word.contains) ?? false
            return (before != after) == (a == .wordBoundary)
        }
    }
}

/// The live states at one position: a dense list and the generation each state was last added in.
struct ThreadList {
    var items: [Int]
    var count = 0
    var marks: [Int]

    init(size: Int) { items = Array(repeating: 0, count: size); marks = Array(repeating: 0, count: size) }

    mutating func clear() { count = 0 }

    /// Marks `pc` for this generation; false if it already was.
    mutating func mark(_ pc: Int, _ generation: Int) -> Bool {
        if marks[pc] == generation { return false }
        marks[pc] = generation
        return true
    }

    func contains(match code: [PatternProgram.Instruction]) -> Bool {
        for k in 0..<count { if case .match = code[items[k]] { return true } }
        return false
    }
}
