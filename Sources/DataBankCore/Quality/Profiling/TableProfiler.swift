import Foundation

/// Profiles rows of a record store as the database hands them over in bulk: many rows per
/// text, one JSON line per row, so a chunk of 10,000 rows costs one row to fetch and is read
/// here byte by byte with no JSON values built.
public struct TableProfiler: Sendable {
    public private(set) var profile: ResourceProfile
    let layout: RecordLayout
    let columnIndex: [String: Int]
    public init(profile: ResourceProfile, layout: RecordLayout) {
        self.profile = profile; self.layout = layout
        columnIndex = Dictionary(profile.columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { a, _ in a })
    }

    // MARK: Full scan

    /// Adds rows to the sketches: `text` holds one JSON array per line, the columns' values in
    /// layout order (counts, nulls and bounds come from SQL aggregates over the same rows).
    /// Returns how many lines it read.
    @discardableResult
    public mutating func addSketches(arrayLines text: UnsafeBufferPointer<UInt8>) -> Int {
        var lines = 0
        let columnCount = profile.columns.count
        var scratch: [UInt8] = []
        Self.forEachLine(text) { line in
            lines += 1
            var c = 0
            JSONScalars.forEachArrayValue(line, scratch: &scratch) { value in
                if c < columnCount, let value { profile.columns[c].addToSketches(value) }
                c += 1
            }
        }
        return lines
    }

    /// Adds SQL aggregates over the same rows (values counted, nulls, bounds), column by column.
    public mutating func addAggregates(_ columns: [(count: Int, nulls: Int, min: String?, max: String?)]) {
        for (i, a) in columns.enumerated() where i < profile.columns.count {
            profile.columns[i].addAggregates(count: a.count, nulls: a.nulls, min: a.min, max: a.max)
        }
    }

    /// The canonical text of the key columns of the last line of `text` (the keyset cursor of the next chunk).
    public func lastKey(arrayLines text: UnsafeBufferPointer<UInt8>) -> [String]? {
        var end = text.count
        while end > 0 && (text[end - 1] == 0x0A || text[end - 1] == 0x20) { end -= 1 }
        guard end > 0 else { return nil }
        var start = end
        while start > 0 && text[start - 1] != 0x0A { start -= 1 }
        let keyPositions = Set(layout.columns.indices.filter { layout.columns[$0].primaryKey })
        var key: [String] = []
        var c = 0
        var scratch: [UInt8] = []
        JSONScalars.forEachArrayValue(UnsafeBufferPointer(rebasing: text[start..<end]), scratch: &scratch) { value in
            if keyPositions.contains(c) { key.append(value.map { String(decoding: $0, as: UTF8.self) } ?? "") }
            c += 1
        }
        return key.count == keyPositions.count ? key : nil
    }

    // MARK: Change log

    /// Adds change-log entries: one per line, `op`, a tab, and the row's JSON object (or `null`).
    /// Inserts and updates add their values; updates and deletes are counted (see ``ResourceProfile``
    /// for what they leave approximate); a reset starts the profile again from nothing.
    public mutating func addChanges(lines text: UnsafeBufferPointer<UInt8>) {
        Self.forEachLine(text) { line in
            guard let tab = line.firstIndex(of: 0x09) else { return }
            let op = String(decoding: UnsafeBufferPointer(rebasing: line[..<tab]), as: UTF8.self)
            let data = UnsafeBufferPointer(rebasing: line[(tab + 1)...])
            switch op {
            case "reset":
                let fresh = ResourceProfile(resourceCode: profile.resourceCode, layout: layout, coveredSeq: profile.coveredSeq)
                profile.columns = fresh.columns
                profile.updatesSinceFullScan = 0; profile.deletesSinceFullScan = 0
                profile.startsAfresh = true
            case "delete":
                profile.deletesSinceFullScan += 1
            case "insert", "update":
                if op == "update" { profile.updatesSinceFullScan += 1 }
                addObject(data)
            default:
                break
            }
        }
    }

    mutating func addObject(_ data: UnsafeBufferPointer<UInt8>) {
        var seen = [Bool](repeating: false, count: profile.columns.count)
        var scratch: [UInt8] = []
        JSONScalars.forEachObjectMember(data, scratch: &scratch) { key, value in
            guard let i = columnIndex[String(decoding: key, as: UTF8.self)] else { return }
            seen[i] = true
            profile.columns[i].add(value.map { String(decoding: $0, as: UTF8.self) })
        }
        // A column missing from the object (added to the layout since) is null for this row.
        for i in seen.indices where !seen[i] { profile.columns[i].add(nil) }
    }

    // MARK: Lines

    static func forEachLine(_ text: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard let base = text.baseAddress else { return }
        var start = 0
        while start < text.count {
            let end = memchr(base + start, 0x0A, text.count - start).map { UnsafeRawPointer(base).distance(to: UnsafeRawPointer($0)) } ?? text.count
            if end > start { body(UnsafeBufferPointer(rebasing: text[start..<end])) }
            start = end + 1
        }
    }

    /// Sets where the profile stands: rows in the store, the last change covered, and when.
    public mutating func finish(rowCount: Int, coveredSeq: Int, at date: Date) {
        profile.rowCount = rowCount; profile.coveredSeq = coveredSeq; profile.profiledAt = date
    }
}
