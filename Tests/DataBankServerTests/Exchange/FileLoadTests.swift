import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import Testing
import Vapor
import ZIPFoundation

/// Writes a minimal workbook: one sheet, shared strings, an inline string, and a date style.
func writeWorkbook(header: [String], rows: [[XLSXCell]], to path: String) throws {
    try? FileManager.default.removeItem(atPath: path)
    let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
    var shared: [String] = []
    func col(_ i: Int) -> String { i < 26 ? String(UnicodeScalar(65 + i)!) : "A" + String(UnicodeScalar(65 + i - 26)!) }
    func cell(_ c: XLSXCell, _ ref: String) -> String {
        switch c {
        case .text(let s): shared.append(s); return "<c r=\"\(ref)\" t=\"s\"><v>\(shared.count - 1)</v></c>"
        case .inline(let s): return "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(s)</t></is></c>"
        case .number(let n): return "<c r=\"\(ref)\"><v>\(n)</v></c>"
        case .date(let serial): return "<c r=\"\(ref)\" s=\"1\"><v>\(serial)</v></c>"
        case .bool(let b): return "<c r=\"\(ref)\" t=\"b\"><v>\(b ? 1 : 0)</v></c>"
        case .empty: return ""
        }
    }
    var sheet = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
    for (r, row) in ([header.map(XLSXCell.text)] + rows).enumerated() {
        sheet += "<row r=\"\(r + 1)\">" + row.enumerated().map { cell($1, "\(col($0))\(r + 1)") }.joined() + "</row>"
    }
    sheet += "</sheetData></worksheet>"
    let strings =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        + shared.map { "<si><t>\($0)</t></si>" }.joined() + "</sst>"
    let parts: [(String, String)] = [
        (
            "xl/workbook.xml",
            "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"登记\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
        ),
        (
            "xl/_rels/workbook.xml.rels",
            "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"
        ),
        (
            "xl/styles.xml",
            "<?xml version=\"1.0\"?><styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/></numFmts><cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"164\"/></cellXfs></styleSheet>"
        ),
        ("xl/worksheets/sheet1.xml", sheet),
        ("xl/sharedStrings.xml", strings)
    ]
    for (name, text) in parts {
        let data = Data(text.utf8)
        try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }
}

enum XLSXCell { case text(String), inline(String), number(String), date(Double), bool(Bool), empty }

@Suite("File loads")
struct FileLoadTests {
    /// A workbook's cells come out as shown: shared and inline strings, numbers as stored, dates from their style, gaps kept.
    @Test func workbookCellsAsShown() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cells-\(UUID()).xlsx").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try writeWorkbook(
            header: ["名称", "金额", "日期", "在保"],
            rows: [
                [.text("佛山市某公司"), .number("1234.5"), .date(45_356), .bool(true)],
                [.inline("内联文本"), .empty, .date(45_356.5), .bool(false)]
            ], to: path)
        let sheet = try XLSXReader(path: path).rows(sheet: nil)
        #expect(sheet.header == ["名称", "金额", "日期", "在保"])
        #expect(sheet.rows.map(\.cells) == [["佛山市某公司", "1234.5", "2024-03-05", "true"], ["内联文本", nil, "2024-03-05 12:00:00", "false"]])
        #expect(sheet.rows.map(\.number) == [2, 3])
        #expect(throws: AppError.self) { try XLSXReader(path: path).rows(sheet: "没有这个表") }
    }

    /// `databank load` of an .xlsx fills the store through the same checks as any file, reporting sheet rows.
    @Test func xlsxLoads() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID()).xlsx").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let good = (0..<3).map { r in f.layout.columns.map { XLSXCell.text(f.value($0, row: r)) } }
            let bad = f.layout.columns.map { c in c.primaryKey ? XLSXCell.text("KX") : c.type == .D ? .text("not a date") : .text(f.value(c, row: 8)) }
            try writeWorkbook(header: f.layout.columns.map(\.itemName), rows: good + [bad], to: path)
            let store = try await RecordStores.find(f.code, on: app.db)
            let summary = try await FileLoad.run(
                path: path, formatName: "xlsx", sheet: nil, store: store, mode: .upsert, encoding: nil,
                who: .cli(nil), on: app.db)
            #expect(summary.inserted == 3)
            if f.layout.columns.contains(where: { $0.type == .D }) {
                #expect(summary.rejected == 1)
                #expect(summary.problems.first?.row == 5)  // header is row 1, the bad row is the sheet's row 5
            }
        }
    }

    /// A CSV file on disk loads in streamed reads, and a file mixing encodings has its bad rows named, not garbled.
    @Test func csvFileWithMixedEncoding() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("load-\(UUID()).csv").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let gbRow = f.layout.columns.map { $0.primaryKey ? "KGB" : f.value($0, row: 7).replacingOccurrences(of: "值", with: "v") }
            var bytes = Array(f.csv(rows: 0..<2).utf8)  // UTF-8 ("值…")
            bytes += Array(gbRow.joined(separator: ",").utf8) + [0xC6, 0xF3, 0x0A]  // a GB18030 character at the end
            FileManager.default.createFile(atPath: path, contents: Data(bytes))
            let store = try await RecordStores.find(f.code, on: app.db)
            let summary = try await FileLoad.run(
                path: path, formatName: "csv", sheet: nil, store: store, mode: .upsert, encoding: nil,
                who: .cli(nil), on: app.db)
            #expect(summary.encoding == "utf-8")
            #expect(summary.inserted == 2)
            #expect(summary.problems.map(\.code) == ["undecodable"])
        }
    }
}
