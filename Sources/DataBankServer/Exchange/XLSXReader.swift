import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import ZIPFoundation
import DataBankCore

/// Reads a worksheet of an .xlsx file (Office Open XML) into rows of text, the way the cells
/// show: shared and inline strings, numbers as stored, booleans, and dates — numbers whose
/// cell style has a date format — as `YYYY-MM-DD` (or `YYYY-MM-DD HH:MM:SS` with a time).
struct XLSXReader {
    let archive: Archive

    init(path: String) throws {
        do { archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .read) } catch {
            throw AppError(.badRequest, "invalid_xlsx", "\(path) is not an .xlsx file (not a ZIP archive)")
        }
    }

    init(data: Data) throws {
        do { archive = try Archive(data: data, accessMode: .read) } catch {
            throw AppError(.badRequest, "invalid_xlsx", "The upload is not an .xlsx file (not a ZIP archive)")
        }
    }

    func entry(_ path: String) throws -> Data? {
        guard let entry = archive[path] else { return nil }
        var data = Data()
        _ = try archive.extract(entry, skipCRC32: false) { data.append($0) }
        return data
    }

    /// The named sheet (or the first), as a header row and data rows.
    func rows(sheet name: String?) throws -> Sheet {
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
        guard let sheetData = try entry(target) else { throw AppError(.badRequest, "invalid_xlsx", "Sheet part \(target) is missing") }
        let shared = try entry("xl/sharedStrings.xml").map(SharedStrings.parse) ?? []
        let dateStyles = try entry("xl/styles.xml").map(DateStyles.parse) ?? []
        let parser = SheetParser(shared: shared, dateStyles: dateStyles)
        return try parser.parse(sheetData)
    }

    struct Sheet {
        var header: [String]
        /// Data rows with their sheet row numbers.
        var rows: [(number: Int, cells: [String?])]

        /// The rows as NDJSON objects keyed by the header, in chunks for the ingest.
        func ndjsonChunks(rowsPerChunk: Int = 2_000) -> [[UInt8]] {
            var chunks: [[UInt8]] = []
            var current: [UInt8] = []
            for (i, row) in rows.enumerated() {
                var line = "{"
                line += header.enumerated().filter { !$0.element.isEmpty }.map { c, name in
                    let value = c < row.cells.count ? row.cells[c] : nil
                    return JSONText.encode(name) + ":" + (value.map { JSONText.encode($0) } ?? "null")
                }.joined(separator: ",")
                line += "}\n"
                current.append(contentsOf: line.utf8)
                if (i + 1) % rowsPerChunk == 0 { chunks.append(current); current = [] }
            }
            if !current.isEmpty { chunks.append(current) }
            return chunks
        }
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

/// A worksheet's `sheetData`: cells placed by their reference (A1, AB7), so gaps stay gaps.
final class SheetParser: NSObject, XMLParserDelegate {
    let shared: [String]
    let dateStyles: Set<Int>
    var rows: [(number: Int, cells: [String?])] = []
    var cells: [String?] = []
    var rowNumber = 0
    var cellColumn = 0
    var cellType = ""
    var cellStyle = 0
    var text = ""
    var collecting = false
    var failure: String?

    init(shared: [String], dateStyles: Set<Int>) { self.shared = shared; self.dateStyles = dateStyles }

    func parse(_ data: Data) throws -> XLSXReader.Sheet {
        let p = XMLParser(data: data)
        p.delegate = self
        guard p.parse() else {
            throw AppError(.badRequest, "invalid_xlsx", "The sheet's XML is malformed at line \(p.lineNumber): \(p.parserError?.localizedDescription ?? "")")
        }
        if let failure { throw AppError(.badRequest, "invalid_xlsx", failure) }
        guard let first = rows.first else { return XLSXReader.Sheet(header: [], rows: []) }
        let header = first.cells.map { ($0 ?? "").trimmingCharacters(in: .whitespaces) }
        return XLSXReader.Sheet(header: header, rows: Array(rows.dropFirst()))
    }

    static func column(of reference: String) -> Int {
        var n = 0
        for ch in reference.unicodeScalars {
            guard ch.value >= 65 && ch.value <= 90 else { break }
            n = n * 26 + Int(ch.value - 64)
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

    func parser(_ parser: XMLParser, foundCharacters string: String) { if collecting { text += string } }

    func parser(_ parser: XMLParser, didEndElement element: String, namespaceURI: String?, qualifiedName: String?) {
        switch element {
        case "v", "t": collecting = false
        case "c":
            while cells.count < cellColumn { cells.append(nil) }
            cells.append(value())
            cellColumn += 1
        case "row":
            if cells.contains(where: { $0 != nil }) { rows.append((rowNumber, cells)) }
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
