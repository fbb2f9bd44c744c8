/// Validates source rows cell by cell, the way `frictionless validate` does: a cell that does not
/// read as its type is a `type-error` and no rule looks at it; every other cell goes through
/// the value rules; a short row has `missing-cell`s, a long one `extra-cell`s; a row of blank
/// cells is one `blank-row` and nothing else. Then the cross-field rules, uniqueness and the key.
///
/// References to other resources are not looked up here (no I/O): each row's referenced values
/// are handed to the caller through `pendingReferences`.
public struct CellValidator: Sendable {
    public let checker: RowChecker
    public let today: CivilDate
    var uniqueness: UniquenessTracker
    /// For each source field, its layout column (-1: not in the layout).
    let fieldColumns: [Int]
    let sourceOf: [Int]
    let readAll: [Bool]
    var scratch: [UInt8] = []
    var values: [String?]
    public private(set) var report = ValidationReport()
    /// Rows with findings so far (few), so a row found again by a later reference lookup counts once.
    var invalidRowNumbers: Set<Int> = []
    /// Values of referential rules, by rule index in ``RowChecker/references``: (row, value).
    public var pendingReferences: [[(row: Int, value: String)]]

    /// - Parameters:
    ///   - header: the file's column names (matched as loads match them: column name or item name).
    ///   - checkKey: whether to report repeated keys (a file; a store enforces its own).
    public init(layout: RecordLayout, rules: [QualityRule], header: [String], today: CivilDate, checkKey: Bool = true) throws(ValidatorSetupError) {
        let checker: RowChecker
        do { checker = try RowChecker(layout: layout, rules: rules) } catch { throw .rules(error) }
        let encoder: RowEncoder
        do { encoder = try RowEncoder(header: header, layout: layout, requireAll: false) } catch { throw .header(error) }
        self.checker = checker
        self.today = today
        let keyRule =
            rules.first { $0.kind == .primaryKey }
            ?? QualityRule(id: "derived:key", kind: .primaryKey, column: nil, name: "主键唯一", nameEn: "Key is unique", derived: true, errorType: "primary-key")
        uniqueness = UniquenessTracker(checker: checker, keyRule: checkKey && !layout.keyNames.isEmpty ? keyRule : nil)
        fieldColumns = encoder.fieldColumns
        sourceOf = encoder.sourceOf
        var read = checker.columnsRead
        for c in uniqueness.columnsRead { read[c] = true }
        readAll = read
        values = Array(repeating: nil, count: layout.columns.count)
        pendingReferences = Array(repeating: [], count: checker.references.count)
    }

    /// Validates one source row. `field(i)` gives source field `i` (nil: absent).
    /// - Parameters:
    ///   - row: the record's number (the header is row 1, as Frictionless's `rowNumber`).
    ///   - line: the file line where the record starts (a quoted field may span lines).
    public mutating func validate(row: Int, line: Int? = nil, fieldCount: Int, field: (Int) -> UnsafeBufferPointer<UInt8>?) {
        report.rows += 1
        let (cells, blank) = cellFindings(fieldCount: fieldCount, field: field)
        var findings = cells
        if blank {
            // Only the blank row itself — and, as Frictionless does, its missing key.
            report.add(row: row, line: line, findings + [uniqueness.blankRowKeyFinding].compactMap { $0 })
            return
        }
        // A cell that failed its type is null to the rules (Frictionless checks no constraint on it).
        // The values move out and back so the closures below read them without copying the array.
        var current: [String?] = []
        swap(&current, &values)
        defer { swap(&current, &values) }
        checker.check(today: today, { current[$0] }, into: &findings)
        uniqueness.observe({ current[$0] }, into: &findings)
        for (i, ref) in checker.references.enumerated() {
            if let v = current[ref.column] { pendingReferences[i].append((row, v)) }
        }
        if !findings.isEmpty { invalidRowNumbers.insert(row) }
        report.add(row: row, line: line, findings)
    }

    /// The findings of one source row a load refused, as `validate` finds them but without
    /// uniqueness, keys or references (the load keeps those across the whole load), and the
    /// row's canonical values by layout column (nil: empty or not read as its type).
    public mutating func refusedRowFindings(fieldCount: Int, field: (Int) -> UnsafeBufferPointer<UInt8>?) -> (
        findings: [RuleFinding], blank: Bool, values: [String?]
    ) {
        let (cells, blank) = cellFindings(fieldCount: fieldCount, field: field, readEvery: true)
        if blank { return (cells, true, values) }
        var findings = cells
        let current = values
        checker.check(today: today, { current[$0] }, into: &findings)
        return (findings, false, current)
    }

    /// The cells' own findings (missing and extra cells, types, required, length) and whether the
    /// row is blank; leaves each read cell's canonical value in `values`.
    mutating func cellFindings(fieldCount: Int, field: (Int) -> UnsafeBufferPointer<UInt8>?, readEvery: Bool = false) -> ([RuleFinding], Bool) {
        var findings: [RuleFinding] = []
        let layout = checker.layout
        var blank = true
        for (c, column) in layout.columns.enumerated() {
            let f = sourceOf[c]
            let present = f >= 0 && f < fieldCount
            let raw = present ? field(f) : nil
            if let raw, !raw.isEmpty { blank = false }
            if f >= 0 && f >= fieldCount {
                findings.append(
                    RuleFinding(
                        ruleID: "load:missing_cell", column: column.name, value: nil, errorType: "missing-cell", code: "missing_cell",
                        message: "缺少第 \(f + 1) 列（\(column.itemName)）", messageEn: "Cell \(f + 1) (\(column.name)) is missing"))
            }
            scratch.removeAll(keepingCapacity: true)
            if let problem = FieldConverter.appendJSON(raw, as: column, to: &scratch) {
                findings.append(
                    RuleFinding(
                        ruleID: "derived:\(column.name):\(Self.ruleKind(problem.code))", column: column.name,
                        value: raw.map { String(decoding: $0, as: UTF8.self) },
                        errorType: RuleFinding.errorType(ofLoadProblem: problem.code), code: problem.code,
                        message: "\(column.itemName)：\(problem.message)", messageEn: "\(column.name): \(problem.messageEn)"))
                values[c] = nil
            } else if readAll[c] || readEvery {
                values[c] = scratch.withUnsafeBufferPointer { CanonicalRow.value(ofJSON: $0) }
            }
        }
        if fieldCount > fieldColumns.count {
            for i in fieldColumns.count..<fieldCount {
                findings.append(
                    RuleFinding(
                        ruleID: "load:extra_cell", column: nil, value: field(i).map { String(decoding: $0, as: UTF8.self) },
                        errorType: "extra-cell", code: "extra_cell", message: "多出第 \(i + 1) 列", messageEn: "Extra cell \(i + 1)"))
                if let raw = field(i), !raw.isEmpty { blank = false }
            }
        }
        if blank {
            return (
                [
                    RuleFinding(
                        ruleID: "load:blank_row", column: nil, value: nil, errorType: "blank-row", code: "blank_row",
                        message: "空行", messageEn: "Blank row")
                ], true
            )
        }
        return (findings, false)
    }

    /// Records referenced values found missing by the caller's lookup.
    public mutating func addMissingReferences(rule index: Int, _ missing: [(row: Int, value: String)]) {
        let (rule, column) = checker.references[index]
        var extra = ValidationReport()
        for m in missing {
            extra.add(row: m.row, [RuleFinding.missingReference(rule, column: checker.layout.columns[column], value: m.value)])
        }
        // A row already invalid for another reason is not counted again.
        extra.invalidRows = Set(missing.map(\.row)).subtracting(invalidRowNumbers).count
        invalidRowNumbers.formUnion(missing.map(\.row))
        report.merge(extra)
    }

    static func ruleKind(_ code: String) -> String {
        switch code {
        case "required": "required"
        case "too_long": "length"
        case "precision": "precision"
        default: "type"
        }
    }
}

/// Why a validator cannot start: its rules do not compile, or the header does not fit the layout.
public enum ValidatorSetupError: Error, Sendable {
    case rules(RuleSetError)
    case header(HeaderProblem)
}
