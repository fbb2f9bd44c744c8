/// A pattern compiled to a Thompson automaton: each instruction consumes one scalar (`set`),
/// forks (`split`), jumps, tests a position (`assert`) or accepts. Counted repetition is
/// unrolled, so the program's size is bounded to keep matching cheap.
struct PatternProgram: Sendable {
    enum Instruction: Sendable {
        case set(Int)  // an index into `sets`
        case split(Int, Int)
        case jump(Int)
        case assert(PatternAssertion)
        case match
    }

    private(set) var code: [Instruction] = []
    private(set) var sets: [ScalarSet] = []
    /// Each set's ASCII bitmaps, two words per set, read without touching the set itself.
    private(set) var ascii: [UInt64] = []

    init(_ node: PatternNode, limit: Int) throws(PatternError) {
        var builder = Builder(limit: limit)
        try builder.emit(node)
        try builder.append(.match)
        code = builder.code
        sets = builder.sets
        ascii = sets.flatMap { [$0.low, $0.high] }
    }

    struct Builder {
        let limit: Int
        var code: [Instruction] = []
        var sets: [ScalarSet] = []

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
            case .set(let s):
                try append(.set(sets.count))
                sets.append(s)
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
    /// The state lists live in one stack allocation (no heap traffic per value checked).
    func run(_ text: String, search: Bool) -> Bool {
        let n = code.count
        return code.withUnsafeBufferPointer { code in
            ascii.withUnsafeBufferPointer { ascii in sets.withUnsafeBufferPointer { sets in
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 4 * n) { buffer in
                    var machine = Machine(code: code, ascii: ascii, sets: sets, current: UnsafeMutableBufferPointer(rebasing: buffer[0..<n]),
                                          next: UnsafeMutableBufferPointer(rebasing: buffer[n..<2 * n]),
                                          marks: UnsafeMutableBufferPointer(rebasing: buffer[2 * n..<3 * n]),
                                          stack: UnsafeMutableBufferPointer(rebasing: buffer[3 * n..<4 * n]))
                    machine.marks.initialize(repeating: 0)
                    return machine.run(text, search: search)
                }
            } }
        }
    }
}

/// One run's state: the live states at this position (`current`), those at the next, and the
/// generation in which each state was last added (a state is added once per position).
private struct Machine {
    let code: UnsafeBufferPointer<PatternProgram.Instruction>
    let ascii: UnsafeBufferPointer<UInt64>
    let sets: UnsafeBufferPointer<ScalarSet>
    var current: UnsafeMutableBufferPointer<Int>
    var next: UnsafeMutableBufferPointer<Int>
    var marks: UnsafeMutableBufferPointer<Int>
    var stack: UnsafeMutableBufferPointer<Int>
    var currentCount = 0
    var nextCount = 0
    var generation = 1

    init(code: UnsafeBufferPointer<PatternProgram.Instruction>, ascii: UnsafeBufferPointer<UInt64>, sets: UnsafeBufferPointer<ScalarSet>, current: UnsafeMutableBufferPointer<Int>,
         next: UnsafeMutableBufferPointer<Int>, marks: UnsafeMutableBufferPointer<Int>, stack: UnsafeMutableBufferPointer<Int>) {
        self.code = code; self.ascii = ascii; self.sets = sets; self.current = current; self.next = next; self.marks = marks; self.stack = stack
    }

    mutating func run(_ text: String, search: Bool) -> Bool {
        var iterator = text.unicodeScalars.makeIterator()
        var scalar = iterator.next()
        add(0, previous: nil, following: scalar)
        swap(&current, &next); currentCount = nextCount
        while true {
            if search && hasMatch() { return true }
            guard let c = scalar else { break }
            if currentCount == 0 && !search { return false }
            let following = iterator.next()
            generation += 1
            nextCount = 0
            for k in 0..<currentCount {
                let pc = current[k]
                guard case .set(let s) = code[pc] else { continue }
                let v = c.value
                let hit = v < 64 ? ascii[2 * s] & (1 << UInt64(v)) != 0 : v < 128 ? ascii[2 * s + 1] & (1 << UInt64(v - 64)) != 0 : sets[s].slowContains(c)
                if hit {
                    add(pc + 1, previous: c, following: following)
                }
            }
            if search { add(0, previous: c, following: following) }
            swap(&current, &next); currentCount = nextCount
            scalar = following
        }
        return hasMatch()
    }

    func hasMatch() -> Bool {
        for k in 0..<currentCount { if case .match = code[current[k]] { return true } }
        return false
    }

    /// Follows forks, jumps and assertions from `start`, adding the states that consume or accept
    /// to `next`; each state is marked when pushed, so the stack never holds more than the program.
    mutating func add(_ start: Int, previous: Unicode.Scalar?, following: Unicode.Scalar?) {
        if marks[start] == generation { return }
        marks[start] = generation
        stack[0] = start
        var top = 1
        while top > 0 {
            top -= 1
            let pc = stack[top]
            var a = -1, b = -1
            switch code[pc] {
            case .jump(let to): a = to
            case .split(let x, let y): a = x; b = y
            case .assert(let kind):
                if Self.holds(kind, previous: previous, next: following) { a = pc + 1 }
            case .set, .match:
                next[nextCount] = pc
                nextCount += 1
            }
            if b >= 0 && marks[b] != generation { marks[b] = generation; stack[top] = b; top += 1 }
            if a >= 0 && marks[a] != generation { marks[a] = generation; stack[top] = a; top += 1 }
        }
    }

    static func holds(_ a: PatternAssertion, previous: Unicode.Scalar?, next: Unicode.Scalar?) -> Bool {
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
