import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Vapor
import ZIPFoundation
import DataBankCore

/// How much an .xlsx may expand when read: a ZIP entry of a few MB can inflate to gigabytes
/// (a "zip bomb"), so every entry is inflated in chunks and counted.
public struct XLSXLimits: Sendable {
    /// Decompressed bytes over all the parts read (`DATABANK_XLSX_MAX_BYTES`, default 1 GiB): 413 past it.
    public var maxBytes: Int
    /// An entry may expand at most this many times its compressed size once past `ratioFreeBytes`: 422 past it.
    public var maxRatio = 100
    public var ratioFreeBytes = 10 << 20
    /// The longest text one cell may hold (no column holds more).
    public var maxCellBytes = 1 << 20

    public init(maxBytes: Int = 1 << 30) { self.maxBytes = maxBytes }

    public static let standard = XLSXLimits(maxBytes: Environment.get("DATABANK_XLSX_MAX_BYTES").flatMap(Int.init) ?? 1 << 30)
}

/// Reads a worksheet of an .xlsx file (Office Open XML) into rows of text, the way the cells
/// show: shared and inline strings, numbers as stored, booleans, and dates — numbers whose
/// cell style has a date format — as `YYYY-MM-DD` (or `YYYY-MM-DD HH:MM:SS` with a time).
/// The sheet part is inflated to a scratch file and parsed from it in chunks, so a large sheet
/// is never in memory whole; every part counts against ``XLSXLimits``.
final class XLSXReader {
    let archive: Archive
    let limits: XLSXLimits
    /// Decompressed bytes so far, over all parts.
    private(set) var inflated = 0

    init(path: String, limits: XLSXLimits = .standard) throws {
        self.limits = limits
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw AppError(.badRequest, "invalid_xlsx", "\(path) is not an .xlsx file (not a ZIP archive)")
        }
    }

    /// Inflates one entry chunk by chunk into `consume`, refusing it once it passes the limits.
    func inflate(_ entry: Entry, _ consume: (Data) throws -> Void) throws {
        let compressed = max(Int(clamping: entry.compressedSize), 1)
        let declared = Int(clamping: entry.uncompressedSize)
        try checkLimits(entry.path, produced: declared, compressed: compressed, total: inflated + declared)
        var produced = 0
        do {
            _ = try archive.extract(entry, bufferSize: 64 << 10, skipCRC32: false) { chunk in
                produced += chunk.count
                inflated += chunk.count
                try checkLimits(entry.path, produced: produced, compressed: compressed, total: inflated)
                try consume(chunk)
            }
        } catch let e as AppError {
            throw e
        } catch {
            throw AppError(.badRequest, "invalid_xlsx", "The workbook part \(entry.path) cannot be read: \(error)")
        }
    }

    private func checkLimits(_ path: String, produced: Int, compressed: Int, total: Int) throws {
        if total > limits.maxBytes {
            throw AppError.field(.payloadTooLarge, "xlsx_too_large", "file",
                                 zh: "工作簿解压后超过 \(limits.maxBytes >> 20) MiB 上限（\(path)），已拒绝",
                                 en: "The workbook expands past the \(limits.maxBytes >> 20) MiB limit once decompressed (\(path)); refused")
        }
        if produced > limits.ratioFreeBytes && produced / compressed > limits.maxRatio {
            throw AppError.field(.unprocessableEntity, "xlsx_bomb", "file",
                                 zh: "工作簿部件 \(path) 解压后膨胀超过 \(limits.maxRatio) 倍（疑似压缩炸弹），已拒绝",
                                 en: "The workbook part \(path) expands more than \(limits.maxRatio) times its compressed size (a zip bomb); refused")
        }
    }

    /// A small part (workbook, relationships, shared strings, styles) in memory, within the limits.
    func entry(_ path: String) throws -> Data? {
        guard let entry = archive[path] else { return nil }
        var data = Data()
        try inflate(entry) { data.append($0) }
        return data
    }

    /// The named sheet (or the first): each row holding a value (the header first) handed to `row`
    /// with its sheet row number, as it is parsed.
    func read(sheet name: String?, row: @escaping (Int, [String?]) throws -> Void) throws {
        guard let workbook = try entry("xl/workbook.xml") else { throw AppError(.badRequest, "invalid_xlsx", "The file has no workbook (xl/workbook.xml)") }
        let sheets = XMLCollector.attributes(of: "sheet", in: workbook)
        guard !sheets.isEmpty else { throw AppError(.badRequest, "invalid_xlsx", "The workbook has no sheets") }
        let chosen: [String: String]
        if let name {
            guard let s = sheets.first(where: { $0["name"] == name }) else {
                throw AppError.field(.badRequest, "unknown_sheet", "sheet", zh: "没有名为“\(name)”的工作表（有：\(sheets.compactMap { $0["name"] }.joined(separator: "、"))）",
                                     en: "No sheet named \(name); the workbook has \(sheets.compactMap { $0["name"] }.joined(separator: ", "))")
            }
            chosen = s
        } else {
            chosen = sheets[0]
        }
        let relID = chosen["r:id"] ?? chosen.first { $0.key.hasSuffix(":id") }?.value ?? ""
        let rels = try entry("xl/_rels/workbook.xml.rels").map { XMLCollector.attributes(of: "Relationship", in: $0) } ?? []
        var target = rels.first { $0["Id"] == relID }?["Target"] ?? "worksheets/sheet1.xml"
        if target.hasPrefix("/") { target.removeFirst() } else { target = "xl/" + target }
        guard let sheetEntry = archive[target] else { throw AppError(.badRequest, "invalid_xlsx", "Sheet part \(target) is missing") }
        let shared = try entry("xl/sharedStrings.xml").map(SharedStrings.parse) ?? []
        let dateStyles = try entry("xl/styles.xml").map(DateStyles.parse) ?? []

        // The sheet goes to a scratch file (counted as it inflates), then is parsed from it in chunks.
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sheet-\(UUID()).xml")
        FileManager.default.createFile(atPath: scratch.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let handle = try FileHandle(forWritingTo: scratch)
        do {
            try inflate(sheetEntry) { try handle.write(contentsOf: $0) }
            try handle.close()
        } catch {
            try? handle.close()
            throw error
        }
        guard let stream = InputStream(url: scratch) else { throw AppError(.badRequest, "invalid_xlsx", "Sheet part \(target) cannot be read") }
        let parser = SheetParser(shared: shared, dateStyles: dateStyles, maxCellBytes: limits.maxCellBytes, row: row)
        try parser.parse(XMLParser(stream: stream))
    }

    static func header(_ cells: [String?]) -> [String] { cells.map { ($0 ?? "").trimmingCharacters(in: .whitespaces) } }

    /// The whole sheet in memory (small workbooks and tests).
    func rows(sheet name: String?) throws -> Sheet {
        var header: [String]?
        var rows: [(number: Int, cells: [String?])] = []
        try read(sheet: name) { n, cells in
            if header == nil { header = Self.header(cells) } else { rows.append((n, cells)) }
        }
        return Sheet(header: header ?? [], rows: rows)
    }

    struct Sheet {
        var header: [String]
        /// Data rows with their sheet row numbers.
        var rows: [(number: Int, cells: [String?])]
    }

    /// One row as an NDJSON object keyed by the header (blank header cells dropped).
    static func ndjsonLine(header: [String], cells: [String?]) -> String {
        var line = "{"
        line += header.enumerated().filter { !$0.element.isEmpty }.map { c, name in
            let value = c < cells.count ? cells[c] : nil
            return JSONText.encode(name) + ":" + (value.map { JSONText.encode($0) } ?? "null")
        }.joined(separator: ",")
        return line + "}\n"
    }

    /// Reads the sheet into an NDJSON scratch file, row by row; returns its path (the caller removes it).
    func ndjsonFile(sheet name: String?) throws -> (path: String, header: [String]) {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sheet-\(UUID()).ndjson").path
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        var buffer: [UInt8] = []
        var header: [String]?
        do {
            try read(sheet: name) { _, cells in
                guard let header else { header = Self.header(cells); return }
                buffer.append(contentsOf: Self.ndjsonLine(header: header, cells: cells).utf8)
                if buffer.count >= 1 << 20 { try handle.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
            }
            try handle.write(contentsOf: buffer)
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: path)
            throw error
        }
        return (path, header ?? [])
    }
}

/// Collects the attributes of every element with a given name (small parts: workbook, rels).
final class XMLCollector: NSObject, XMLParserDelegate {
    let name: String
    var found: [[String: String]] = []
    init(name: String) { self.name = name }

    static func attributes(of name: String, in data: Data) -> [[String: String]] {
        let c = XMLCollector(name: name)
        let p = XMLParser(data: data)
        p.delegate = c
        p.shouldProcessNamespaces = false
        _ = p.parse()
        return c.found
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        if element == name || element.hasSuffix(":" + name) { found.append(attributes) }
    }
}

/// `xl/sharedStrings.xml`: the strings cells refer to by index (rich text runs joined).
final class SharedStrings: NSObject, XMLParserDelegate {
    var strings: [String] = []
    var current = ""
    var inText = false
    var inPhonetic = false

    static func parse(_ data: Data) -> [String] {
        let s = SharedStrings()
        let p = XMLParser(data: data)
        p.delegate = s
        _ = p.parse()
        return s.strings
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch element {
        case "si": current = ""
        case "t": inText = true
        case "rPh": inPhonetic = true  // phonetic guides are not part of the text
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { if inText && !inPhonetic { current += string } }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        switch element {
        case "si": strings.append(current)
        case "t": inText = false
        case "rPh": inPhonetic = false
        default: break
        }
    }
}

/// `xl/styles.xml`: which cell styles (`s=` indexes) display numbers as dates.
final class DateStyles: NSObject, XMLParserDelegate {
    var customFormats: [Int: String] = [:]
    var styleFormats: [Int] = []
    var inCellXfs = false

    /// The built-in date and time formats (ECMA-376 §18.8.30).
    static let builtInDateFormats: Set<Int> = [14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 50, 51, 52, 53, 54, 55, 56, 57, 58]

    static func parse(_ data: Data) -> Set<Int> {
        let d = DateStyles()
        let p = XMLParser(data: data)
        p.delegate = d
        _ = p.parse()
        return Set(d.styleFormats.enumerated().filter { d.isDateFormat($0.element) }.map(\.offset))
    }

    func isDateFormat(_ id: Int) -> Bool {
        if Self.builtInDateFormats.contains(id) { return true }
        guard let code = customFormats[id] else { return false }
        // Drop quoted text and [colour]/[locale] sections, then look for date/time letters.
        var cleaned = ""
        var quoted = false, bracket = false
        for ch in code {
            if ch == "\"" { quoted.toggle(); continue }
            if ch == "[" { bracket = true; continue }
            if ch == "]" { bracket = false; continue }
            if !quoted && !bracket { cleaned.append(ch) }
        }
        let lower = cleaned.lowercased()
        return lower.contains("y") || lower.contains("d") || (lower.contains("m") && (lower.contains("h") || lower.contains("s"))) || lower.contains("年")
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch element {
        case "numFmt":
            if let id = attributes["numFmtId"].flatMap(Int.init), let code = attributes["formatCode"] { customFormats[id] = code }
        case "cellXfs": inCellXfs = true
        case "xf" where inCellXfs: styleFormats.append(attributes["numFmtId"].flatMap(Int.init) ?? 0)
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        if element == "cellXfs" { inCellXfs = false }
    }
}

/// A worksheet's `sheetData`: cells placed by their reference (A1, AB7), so gaps stay gaps;
/// each row is handed on as soon as it ends.
final class SheetParser: NSObject, XMLParserDelegate {
    let shared: [String]
    let dateStyles: Set<Int>
    let maxCellBytes: Int
    let row: (Int, [String?]) throws -> Void
    var cells: [String?] = []
    var rowNumber = 0
    var cellColumn = 0
    var cellType = ""
    var cellStyle = 0
    var text = ""
    var collecting = false
    var failure: (any Error)?

    init(shared: [String], dateStyles: Set<Int>, maxCellBytes: Int, row: @escaping (Int, [String?]) throws -> Void) {
        self.shared = shared; self.dateStyles = dateStyles; self.maxCellBytes = maxCellBytes; self.row = row
    }

    func parse(_ p: XMLParser) throws {
        p.delegate = self
        let parsed = p.parse()
        if let failure { throw failure }
        guard parsed else {
            throw AppError(.badRequest, "invalid_xlsx", "The sheet's XML is malformed at line \(p.lineNumber): \(p.parserError?.localizedDescription ?? "")")
        }
    }

    /// Stops the parse with `error` (a delegate callback cannot throw).
    func fail(_ parser: XMLParser, _ error: any Error) {
        guard failure == nil else { return }
        failure = error
        parser.abortParsing()
    }

    static func column(of reference: String) -> Int {
        var n = 0
        for ch in reference.unicodeScalars {
            guard ch.value >= 65 && ch.value <= 90 else { break }
            n = min(n * 26 + Int(ch.value - 64), 1 << 20)  // no overflow on a crafted reference
        }
        return n - 1
    }

    func parser(_ parser: XMLParser, didStartElement element: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        switch element {
        case "row":
            rowNumber = attributes["r"].flatMap(Int.init) ?? rowNumber + 1
            cells = []
            cellColumn = 0
        case "c":
            cellColumn = attributes["r"].map(Self.column) ?? cellColumn
            cellType = attributes["t"] ?? "n"
            cellStyle = attributes["s"].flatMap(Int.init) ?? 0
            text = ""
        case "v", "t": collecting = true
        default: break
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        guard collecting, failure == nil else { return }
        text += string
        if text.utf8.count > maxCellBytes {
            fail(parser, AppError.field(.unprocessableEntity, "xlsx_cell_too_long", "file",
                                        zh: "第 \(rowNumber) 行有单元格超过 \(maxCellBytes >> 10) KiB，已拒绝",
                                        en: "A cell in row \(rowNumber) holds more than \(maxCellBytes >> 10) KiB; refused"))
        }
    }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        guard failure == nil else { return }
        switch element {
        case "v", "t": collecting = false
        case "c":
            // A reference far to the right of the last cell would fill the row with gaps.
            guard cellColumn < 16_384 else {
                fail(parser, AppError(.badRequest, "invalid_xlsx", "A cell in row \(rowNumber) lies past column XFD"))
                return
            }
            while cells.count < cellColumn { cells.append(nil) }
            cells.append(value())
            cellColumn += 1
        case "row":
            if cells.contains(where: { $0 != nil }) {
                do { try row(rowNumber, cells) } catch { fail(parser, error) }
            }
        default: break
        }
    }

    func value() -> String? {
        switch cellType {
        case "s":
            guard let i = Int(text), i >= 0, i < shared.count else { return nil }
            return shared[i]
        case "inlineStr", "str": return text
        case "b": return text == "1" ? "true" : "false"
        case "e": return nil  // #N/A and friends: no value
        default:
            guard !text.isEmpty else { return nil }
            if dateStyles.contains(cellStyle), let serial = Double(text) { return Self.date(fromSerial: serial) }
            return text
        }
    }

    /// Excel's 1900 date system: serial 1 is 1900-01-01, with the phantom 1900-02-29 (serial 60).
    static func date(fromSerial serial: Double) -> String {
        let days = Int(serial.rounded(.down))
        let seconds = Int(((serial - Double(days)) * 86_400).rounded())
        let date = CivilDate(daysSinceEpoch: days - 25_569)  // 25569 = serial of 1970-01-01
        if seconds == 0 { return date.iso }
        let s = min(seconds, 86_399)
        return String(format: "%@ %02d:%02d:%02d", date.iso, s / 3600, s / 60 % 60, s % 60)
    }
}
