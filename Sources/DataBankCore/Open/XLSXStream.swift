/// An .xlsx workbook of one sheet, written as a stream of bytes: the fixed parts first, then the
/// sheet row by row inside a ZIP entry (``ZipStreamWriter``; deflated when given a ``RawDeflater``), then the directory. Cells are
/// inline strings (no shared-string table to hold in memory), numbers, or booleans; the first row
/// is the header. Memory stays flat however many rows pass through.
public struct XLSXStream: Sendable {
    public enum CellKind: Sendable { case text, number, boolean }

    public enum Failure: Error, Equatable { case tooManyRows }

    /// A worksheet holds at most 1,048,576 rows, the header included.
    public static let maxDataRows = 1_048_575

    private var zip: ZipStreamWriter
    private let kinds: [CellKind]
    private let header: [String]
    private let letters: [String]
    private var rowNumber = 0
    private let sheetName: String

    public init(header: [String], kinds: [CellKind], sheetName: String = "data", deflater: (any RawDeflater)? = nil) {
        self.zip = ZipStreamWriter(deflater: deflater)
        self.header = header
        self.kinds = kinds
        self.letters = header.indices.map(Self.columnLetters)
        self.sheetName = sheetName
    }

    /// The fixed parts and the sheet's start with its header row.
    public mutating func start() throws -> [UInt8] {
        var out: [UInt8] = []
        for (name, text) in fixedParts() {
            out += zip.beginEntry(name)
            out += try zip.write(Array(text.utf8))
            out += try zip.endEntry()
        }
        out += zip.beginEntry("xl/worksheets/sheet1.xml")
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        xml += "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
        rowNumber = 1
        xml += "<row r=\"1\">"
        for (i, name) in header.enumerated() { xml += inlineString(name, ref: letters[i] + "1") }
        xml += "</row>"
        out += try zip.write(Array(xml.utf8))
        return out
    }

    /// Rows of cells as text (canonical values; nil for an empty cell).
    public mutating func rows(_ rows: [[String?]]) throws -> [UInt8] {
        guard rowNumber - 1 + rows.count <= Self.maxDataRows else { throw Failure.tooManyRows }
        var xml = ""
        for cells in rows {
            rowNumber += 1
            let r = String(rowNumber)
            xml += "<row r=\"\(r)\">"
            for (i, cell) in cells.enumerated() where i < kinds.count {
                guard let cell else { continue }
                let ref = letters[i] + r
                switch kinds[i] {
                case .number where Self.isNumber(cell): xml += "<c r=\"\(ref)\"><v>\(cell)</v></c>"
                case .boolean where cell == "true" || cell == "false": xml += "<c r=\"\(ref)\" t=\"b\"><v>\(cell == "true" ? 1 : 0)</v></c>"
                default: xml += inlineString(cell, ref: ref)
                }
            }
            xml += "</row>"
        }
        return try zip.write(Array(xml.utf8))
    }

    /// The sheet's end and the archive's directory.
    public mutating func finish() throws -> [UInt8] {
        var out = try zip.write(Array("</sheetData></worksheet>".utf8))
        out += try zip.endEntry()
        out += try zip.finish()
        return out
    }

    func inlineString(_ text: String, ref: String) -> String {
        let escaped = XMLText.escape(text)
        let preserve = text.first?.isWhitespace == true || text.last?.isWhitespace == true
        return "<c r=\"\(ref)\" t=\"inlineStr\"><is><t\(preserve ? " xml:space=\"preserve\"" : "")>\(escaped)</t></is></c>"
    }

    /// A number as spreadsheet XML takes it: digits, one point, an optional sign and exponent.
    static func isNumber(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 40 else { return false }
        return s.utf8.allSatisfy { (0x30...0x39).contains($0) || $0 == 0x2E || $0 == 0x2D || $0 == 0x2B || $0 == 0x65 || $0 == 0x45 }
            && Double(s) != nil
    }

    /// A (0-based) column index as spreadsheet letters: 0 → A, 25 → Z, 26 → AA.
    public static func columnLetters(_ index: Int) -> String {
        var n = index + 1
        var out = ""
        while n > 0 {
            let r = (n - 1) % 26
            out = String(UnicodeScalar(UInt8(65 + r))) + out
            n = (n - 1) / 26
        }
        return out
    }

    func fixedParts() -> [(String, String)] {
        let head = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        return [
            (
                "[Content_Types].xml",
                head + "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
                    + "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
                    + "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
                    + "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
                    + "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
                    + "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
                    + "</Types>"
            ),
            (
                "_rels/.rels",
                head + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
                    + "</Relationships>"
            ),
            (
                "xl/workbook.xml",
                head + "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
                    + "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
                    + "<sheets><sheet name=\"\(XMLText.escape(String(sheetName.prefix(31))))\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
            ),
            (
                "xl/_rels/workbook.xml.rels",
                head + "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
                    + "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
                    + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
                    + "</Relationships>"
            ),
            (
                "xl/styles.xml",
                head + "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                    + "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
                    + "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>"
                    + "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
                    + "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
                    + "<cellXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/></cellXfs>"
                    + "</styleSheet>"
            )
        ]
    }
}
