/// One record of a delimited file: its fields, where it starts, and what was wrong with it.
public struct CSVRecord {
    /// The field bytes, unquoted and unescaped, back to back.
    public let storage: UnsafeBufferPointer<UInt8>
    /// End offset in `storage` of each field.
    public let ends: UnsafeBufferPointer<Int>
    /// 1-based physical line where the record starts.
    public let line: Int
    /// Offset of the record's first byte in the (UTF-8) stream.
    public let byteOffset: Int
    /// Offset one past its last byte.
    public let endOffset: Int
    /// A structural problem (stray text after a closing quote, an unclosed quote).
    public let problem: FieldProblem?

    public var count: Int { ends.count }

    public func field(_ i: Int) -> UnsafeBufferPointer<UInt8> {
        let start = i == 0 ? 0 : ends[i - 1]
        return UnsafeBufferPointer(rebasing: storage[start..<ends[i]])
    }

    public func string(_ i: Int) -> String { String(decoding: field(i), as: UTF8.self) }
}

/// A streaming RFC 4180 parser: feed it chunks of UTF-8 of any size; records may span chunks.
///
/// Quoted fields may hold delimiters, doubled quotes and line breaks; CRLF, LF and lone CR
/// end records; blank lines are skipped. A quote inside an unquoted field is kept as text (as
/// spreadsheets write `5" screen`). Memory is one record, whatever the file size.
public struct CSVParser {
    enum State { case fieldStart, unquoted, quoted, quoteInQuoted, afterCR }

    public let delimiter: UInt8
    var state = State.fieldStart
    var storage: [UInt8] = []
    var ends: [Int] = []
    var line = 1
    var recordLine = 1
    var offset = 0
    var recordOffset = 0
    var quoteLine = 0, quoteOffset = 0
    var problem: FieldProblem?
    var recordHasBytes = false

    public init(delimiter: UInt8 = UInt8(ascii: ",")) {
        self.delimiter = delimiter
        storage.reserveCapacity(4096); ends.reserveCapacity(64)
    }

    static let quote = UInt8(ascii: "\""), lf: UInt8 = 0x0A, cr: UInt8 = 0x0D

    public mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, _ onRecord: (CSVRecord) throws -> Void) rethrows {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            switch state {
            case .unquoted:
                // Fast path: copy the run of ordinary bytes up to the next special one.
                var j = i
                while j < n {
                    let c = bytes[j]
                    if c == delimiter || c == Self.lf || c == Self.cr { break }
                    j += 1
                }
                if j > i { storage.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j])) }
                offset += j - i
                i = j
                if i < n { try special(bytes[i], onRecord) ; offset += 1; i += 1 }
                continue
            case .quoted:
                var j = i
                while j < n && bytes[j] != Self.quote {
                    if bytes[j] == Self.lf { line += 1 }
                    j += 1
                }
                if j > i { storage.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[i..<j])) }
                offset += j - i
                i = j
                if i < n { state = .quoteInQuoted; offset += 1; i += 1 }
                continue
            default:
                try special(b, onRecord)
            }
            offset += 1
            i += 1
        }
    }

    /// Ends the input: emits the last record (with a problem if a quote was left open).
    public mutating func finish(_ onRecord: (CSVRecord) throws -> Void) rethrows {
        if state == .quoted {
            problem = FieldProblem("unclosed_quote", zh: "第 \(quoteLine) 行（字节 \(quoteOffset)）的引号未闭合",
                                   en: "Quote opened on line \(quoteLine) (byte \(quoteOffset)) is never closed")
        }
        if state == .afterCR { state = .fieldStart }
        if state != .fieldStart || !ends.isEmpty || !storage.isEmpty { try endRecord(onRecord) }
        state = .fieldStart
    }

    private mutating func special(_ b: UInt8, _ onRecord: (CSVRecord) throws -> Void) rethrows {
        switch state {
        case .afterCR:
            state = .fieldStart
            if b == Self.lf { return }  // CRLF
            try special(b, onRecord)
            return
        case .fieldStart:
            if !recordHasBytes { recordHasBytes = true; recordOffset = offset; recordLine = line }
            if b == Self.quote { state = .quoted; quoteLine = line; quoteOffset = offset }
            else if b == delimiter { ends.append(storage.count) }
            else if b == Self.lf || b == Self.cr { try lineBreak(b, onRecord) }
            else { storage.append(b); state = .unquoted }
        case .unquoted:
            if b == delimiter { ends.append(storage.count); state = .fieldStart }
            else if b == Self.lf || b == Self.cr { try lineBreak(b, onRecord) }
            else { storage.append(b) }
        case .quoted:
            if b == Self.quote { state = .quoteInQuoted } else { storage.append(b) }
        case .quoteInQuoted:
            if b == Self.quote { storage.append(b); state = .quoted }
            else if b == delimiter { ends.append(storage.count); state = .fieldStart }
            else if b == Self.lf || b == Self.cr { try lineBreak(b, onRecord) }
            else {
                if problem == nil {
                    problem = FieldProblem("stray_quote", zh: "第 \(line) 行（字节 \(offset)）闭合引号后出现多余字符",
                                           en: "Unexpected character after a closing quote on line \(line) (byte \(offset))")
                }
                storage.append(b); state = .unquoted
            }
        }
    }

    private mutating func lineBreak(_ b: UInt8, _ onRecord: (CSVRecord) throws -> Void) rethrows {
        let blank = ends.isEmpty && storage.isEmpty && state == .fieldStart
        if blank { recordHasBytes = false } else { try endRecord(onRecord) }
        line += 1
        state = b == Self.cr ? .afterCR : .fieldStart
    }

    private mutating func endRecord(_ onRecord: (CSVRecord) throws -> Void) rethrows {
        ends.append(storage.count)
        let line = recordLine, start = recordOffset, end = offset, problem = problem
        try storage.withUnsafeBufferPointer { s in
            try ends.withUnsafeBufferPointer { e in
                try onRecord(CSVRecord(storage: s, ends: e, line: line, byteOffset: start, endOffset: end, problem: problem))
            }
        }
        storage.removeAll(keepingCapacity: true); ends.removeAll(keepingCapacity: true)
        self.problem = nil
        recordHasBytes = false
    }
}
