import Fluent
import MultipartKit
import Plot
import SQLKit
import Vapor
import DataBankCore

/// `GET /catalog/resources/:code/records`: a resource's record store for its provider — the
/// first records, a file upload with its summary, recent loads and refused rows.
/// `POST` the same path (multipart) uploads a file through the same pipeline as the API.
enum RecordsPage {
    static func show(req: Request) async throws -> Response {
        try await render(req, failure: nil)
    }

    static func render(_ req: Request, failure: AppError?, status: HTTPResponseStatus = .ok) async throws -> Response {
        let code = try req.parameters.require("code")
        let s = req.strings
        // The one read decision: full (the provider, the data authority), a grant's view, or the open
        // portal's; refusals answer as the API does (404 for a hidden resource).
        let read = try await StoreReading.read(req, code: code, purposeRequired: false)
        let resource = read.resource, store = read.store
        let purpose = read.purpose
        let needsPurpose = read.needsPurpose
        let canWrite = req.can(.writeRecords, department: store.departmentCode)
        // Loads and refused rows are the provider's working data; the data authority sees them with a purpose.
        let seesLoads = canWrite || (req.can(.readLoads, department: store.departmentCode) && purpose != nil)
        var banners: [Body] = []
        if req.query[String.self, at: "fixed"] != nil {
            banners.append(.banner("ok", .p(.esc(s.t("已重新提交并通过检查。", "Resubmitted and accepted."))), testid: "fixed"))
        }
        if let failure {
            // In the page's language: the details carry both; a bare message is English, so a Chinese page says it plainly.
            let headline = s.isEnglish ? failure.message : s.t("文件未载入，请修改后重新上传。", "")
            banners.append(
                .banner(
                    "error", .p(.esc(headline)),
                    .ul(.group(failure.details.map { .li(.esc("\(s.field($0.field))：\(s.message($0))")) })),
                    testid: "load-error"))
        }

        // Say how the records are shown when they are not the provider's own, in clear.
        switch read.access {
        case .grant:
            banners.append(
                .banner(
                    "info",
                    .p(
                        .esc(
                            s.t(
                                "按您的授权显示：仅含授权的数据项和记录，部分数据项经脱敏。",
                                "Shown as your grant provides: its items and rows only, some items masked."))), testid: "grant-view"))
        case .openPortal:
            banners.append(
                .banner(
                    "info",
                    .p(
                        .esc(
                            s.t(
                                "以开放数据形式显示：敏感信息项按默认规则脱敏。",
                                "Shown as open data: sensitive items under their default masks."))), testid: "open-view"))
        default: break
        }
        var sample: Body = .empty
        if !needsPurpose || purpose != nil {
            sample = try await RecordsBrowser.render(req, read, purpose: purpose, code: code, s: s)
        } else {
            sample = .getForm(
                SiteURL.resource(code, .records).path,
                [
                    .cls("filter-bar"),
                    .el("label", .attr("for", "f-purpose"), .esc(s.t("查看数据须说明用途", "State a purpose to view the records"))),
                    .input([.v("type", "text"), .v("name", "purpose"), .v("id", "f-purpose"), .v("required", "required")]),
                    .submit(s.t("查看", "View"), .cls("primary"))
                ])
        }

        let loads = seesLoads ? try await LoadRow.query(on: req.db).filter(\.$resourceCode == code).sort(\.$startedAt, .descending).range(0..<10).all() : []
        if seesLoads && !canWrite {
            try await AuditLog.append(
                .of(req), resource: code, operation: "web.loads", fields: [], count: loads.count, purpose: purpose,
                requestID: req.id, requestHash: nil, on: req.db, trail: req.application.auditTrail)
        }
        let people = try await Directory.displayNames(loads.map(\.actorName), on: req.db)
        let loadRows: [[Body]] = loads.map { l in
            [
                canWrite && l.id != nil
                    ? .link(SiteURL.resource(code, .load(l.id!)).path, s.dateTime(l.startedAt), .testid("load-link"))
                    : .esc(s.dateTime(l.startedAt)),
                .esc(s.loadMode(l.mode)), .esc(l.format), .esc(l.encoding ?? ""), .esc(people[l.actorName] ?? l.actorName),
                .badge(statusLabel(l.status, s), l.status == "committed" ? "state-published" : l.status == "running" ? "state-submitted" : "state-retired"),
                .esc("\(l.inserted)"), .esc("\(l.updated)"), .esc("\(l.rejected)")
            ]
        }
        var quarantine: Body = .empty
        if canWrite {
            // Every refused row still open, from any load: each can be fixed and resubmitted, or discarded.
            // Counted and listed by source row (a row refused for three reasons is one row), as the load's summary counts.
            let entries = try await QuarantineRow.query(on: req.db).filter(\.$resourceCode == code).filter(\.$status == "open")
                .sort(\.$createdAt, .descending).sort(\.$rowNumber).all()
            // Latest load first, and within a load in the file's order.
            let loadOrder = Dictionary(entries.enumerated().map { ($1.loadID, $0) }, uniquingKeysWith: { a, _ in a })
            let rows = RefusedRow.group(entries).sorted { (loadOrder[$0.loadID] ?? 0, $0.rowNumber) < (loadOrder[$1.loadID] ?? 0, $1.rowNumber) }
            if !rows.isEmpty {
                quarantine = .section(
                    .cls("card"), .testid("quarantine"),
                    .h2(.esc(s.t("待处理的被拒绝行（\(rows.count)）", "Refused rows to settle (\(rows.count))"))),
                    RefusedRow.table(Array(rows.prefix(50)), code: code, s),
                    rows.count > 50 ? .p(.cls("hint"), .esc(s.t("显示最近 50 行。", "The latest 50 rows are shown."))) : .empty)
            }
        }
        let upload: Body =
            canWrite
            ? .section(
                .cls("card"), .testid("upload"),
                .h2(.esc(s.t("上传数据文件", "Upload a data file"))),
                .p(
                    .cls("hint"),
                    .esc(
                        s.t(
                            "CSV、TSV、JSON、NDJSON 或 XLSX；UTF-8 或 GB18030 自动识别。表头按字段名或信息项名称匹配。",
                            "CSV, TSV, JSON, NDJSON or XLSX; UTF-8 or GB18030 detected. Headers match column or item names."))),
                .uploadForm(
                    SiteURL.resource(code, .records).path, csrf: req.csrfToken,
                    [
                        .cls("filter-bar"), .attr("data-upload-progress", ""),
                        .attr("data-sending", s.t("正在上传", "Uploading")), .attr("data-processing", s.t("上传完成，正在载入并检查…", "Uploaded; loading and checking…")),
                        .attr("data-failed", s.t("上传中断，请重试。", "The upload was interrupted; please try again.")),
                        .el("label", .attr("for", "f-mode"), .esc(s.t("方式", "Mode"))),
                        .select(
                            "mode", [("upsert", s.t("更新或新增", "Upsert")), ("append", s.t("仅新增", "Append")), ("replace", s.t("整体替换", "Replace all"))],
                            selected: "upsert", .attr("id", "f-mode")),
                        .el("label", .attr("for", "f-encoding"), .esc(s.t("编码", "Encoding"))),
                        .select(
                            "encoding", [("auto", s.t("自动", "Auto")), ("utf-8", "UTF-8"), ("gb18030", "GB18030")], selected: "auto", .attr("id", "f-encoding")),
                        .input([.v("type", "file"), .v("name", "file"), .v("required", "required"), .v("data-testid", "upload-file")]),
                        .submit(s.t("上传", "Upload"), .cls("primary"), .testid("upload-submit")),
                        .div(
                            .cls("upload-progress"), .attr("hidden", "hidden"), .attr("role", "status"), .testid("upload-progress"),
                            .element(named: "progress", nodes: [.attr("max", "100"), .attr("value", "0")]), .span(.cls("upload-progress-text")))
                    ])) : .empty

        let content: [Body] = [
            .div(
                .cls("page-head"),
                .p(
                    .cls("crumbs"), .link(SiteURL.catalog.path, s.t("目录", "Catalog")), .text(" › "),
                    .link(SiteURL.resource(code).path, resource.name)),
                .h1(.testid("page-title"), .esc(s.t("数据：\(resource.name)", "Records: \(resource.nameEn ?? resource.name)"))),
                .p(
                    .cls("badges"), .span(.cls("code"), .esc(code)),
                    .esc(s.t(" \(store.rowCount) 条记录 · 变更序号 \(store.lastSeq)", " \(store.rowCount) records · change seq \(store.lastSeq)")),
                    .text(" · "), .link("/api/v1/resources/\(Escape.url(code))/records", "API"),
                    StreamStores.timeColumn(store.recordLayout) != nil && store.recordLayout.column(named: "longitude") != nil
                        ? .group([.text(" · "), .link(SiteURL.resource(code, .map).path, s.t("实时地图", "Live map"), .testid("map-link"))]) : .empty)),
            upload,
            .section(.cls("card"), .h2(.esc(s.t("记录", "Records"))), sample),
            quarantine,
            !seesLoads
                ? .empty
                : .section(
                    .cls("card"), .testid("loads"), .h2(.esc(s.t("最近载入", "Recent loads"))),
                    loadRows.isEmpty
                        ? .p(.cls("muted"), .esc(s.t("尚无载入。", "No loads yet.")))
                        : .dataTable(
                            [
                                s.t("时间", "When"), s.t("方式", "Mode"), s.t("格式", "Format"), s.t("编码", "Encoding"), s.t("操作人", "By"),
                                s.t("结果", "Status"), s.t("新增", "Inserted"), s.t("更新", "Updated"), s.t("拒绝", "Refused")
                            ], loadRows, cls: "data compact"))
        ]
        return Layout.render(
            req, title: s.t("数据", "Records") + " " + code, status: status,
            path: SiteURL.resource(code, .records).path, banners: banners, content)
    }

    static func statusLabel(_ status: String, _ s: Strings) -> String {
        switch status {
        case "committed": return s.t("已完成", "committed")
        case "running": return s.t("进行中", "running")
        case "failed": return s.t("失败", "failed")
        case "interrupted": return s.t("已中断", "interrupted")
        default: return status
        }
    }

    // MARK: Upload

    /// Streams the multipart body: form fields first, then the file part straight into the ingest.
    static func upload(req: Request) async throws -> Response {
        let code = try req.parameters.require("code")
        let (store, _) = try await StoreReading.forAction(req, .writeRecords, code: code)
        guard let boundary = req.headers.contentType?.parameters["boundary"] else {
            throw AppError(.badRequest, "bad_request", "Upload the file with the page's form (multipart/form-data)")
        }
        let digest = RequestDigest(req)
        do {
            let upload = MultipartUpload(req, boundary: boundary, digest: digest)
            let (fields, fileName) = try await upload.readUntilFile()
            guard let fileName, !fileName.isEmpty else {
                throw AppError.field(.badRequest, "file_required", "file", zh: "请选择要上传的文件", en: "Choose a file to upload")
            }
            let mode = LoadMode(rawValue: fields["mode"] ?? "upsert") ?? .upsert
            let encoding = TextEncoding(rawValue: (fields["encoding"] ?? "auto").lowercased())
            let ext = fileName.split(separator: ".").last.map { $0.lowercased() } ?? "csv"
            let formatName = ext == "txt" ? "tsv" : ext == "jsonl" ? "ndjson" : ext
            let who = AuditLog.Who.of(req)
            let summary: LoadSummary
            if formatName == "xlsx" {
                // A workbook is a ZIP: its directory is at the end, so it is spooled to a file first.
                let path = FileManager.default.temporaryDirectory.appendingPathComponent("upload-\(UUID()).xlsx").path
                defer { try? FileManager.default.removeItem(atPath: path) }
                FileManager.default.createFile(atPath: path, contents: nil)
                let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
                while let chunk = try await upload.nextFileChunk() { handle.write(Data(chunk)) }
                try handle.close()
                summary = try await FileLoad.run(
                    path: path, formatName: "xlsx", sheet: nil, store: store, mode: mode, encoding: nil, who: who, on: req.db,
                    xlsxLimits: req.application.settings.xlsxLimits, today: req.application.today, source: fileName)
            } else {
                guard let format = IngestFormat(rawValue: formatName) else {
                    throw AppError.field(
                        .unsupportedMediaType, "unsupported_media_type", "file", zh: "不支持的文件类型：.\(formatName)",
                        en: "Unsupported file type .\(formatName); use CSV, TSV, JSON, NDJSON or XLSX")
                }
                summary = try await Loads.run(
                    store: store, mode: mode, format: format, encoding: encoding, source: fileName, who: who, on: req.db,
                    today: req.application.today
                ) { ingest in
                    while let chunk = try await upload.nextFileChunk() { try await ingest.feed(chunk) }
                }
            }
            req.application.profileScheduler.afterLoad(code)
            try await AuditLog.append(
                who, resource: code, operation: "load.\(summary.mode)", fields: store.recordLayout.columns.map(\.name),
                count: summary.inserted + summary.updated, purpose: nil, requestID: req.id, requestHash: digest.hex, on: req.db,
                trail: req.application.auditTrail)
            // Post/redirect/get: the result is a page of its own, so a refresh shows it again and never loads again.
            return Layout.seeOther(SiteURL.resource(code, .load(summary.loadID)).path)
        } catch {
            let e = AppError.from(error)
            guard (400..<500).contains(e.status.code), e.status != .unauthorized, e.status != .forbidden else { throw error }
            return try await render(req, failure: e, status: e.status)
        }
    }
}

/// A multipart/form-data body read as it arrives: the small fields before the file are kept,
/// then the file part is handed out chunk by chunk, so an upload never sits in memory.
final class MultipartUpload: @unchecked Sendable {  // driven by the one task reading the body
    private var iterator: Request.Body.AsyncIterator
    private let parser: MultipartParser
    private let digest: RequestDigest
    /// The cookie the form's first field must repeat, when the CSRF check was left to this reader.
    private let deferredCSRF: String?
    private var fields: [String: String] = [:]
    private var partName: String?
    private var partFile: String?
    /// The uploaded file's name, kept after its part ends (a small file can end in the first read).
    private var fileName: String?
    private var value: [UInt8] = []
    private var fileBytes: [UInt8] = []
    private var fileStarted = false
    private var fileEnded = false
    private var bodyEnded = false

    init(_ req: Request, boundary: String, digest: RequestDigest) {
        iterator = req.body.makeAsyncIterator()
        deferredCSRF = req.storage[CSRFDeferredKey.self]
        parser = MultipartParser(boundary: boundary)
        self.digest = digest
        parser.onHeader = { [unowned self] name, header in
            guard name.lowercased() == "content-disposition" else { return }
            partName = Self.parameter("name", in: header)
            partFile = Self.parameter("filename", in: header)
            if partFile != nil, !fileStarted { fileStarted = true; fileName = partFile }
        }
        parser.onBody = { [unowned self] buffer in
            var b = buffer
            let bytes = b.readBytes(length: b.readableBytes) ?? []
            if partFile != nil && !fileEnded { fileBytes += bytes } else { value += bytes }
        }
        parser.onPartComplete = { [unowned self] in
            // Only the fields before the file count: they are what was read when the file began (and the
            // CSRF token must be among them), however the body happened to arrive in chunks.
            if partFile != nil { fileEnded = true } else if let name = partName, !fileStarted { fields[name] = String(decoding: value, as: UTF8.self) }
            value = []
            partFile = nil
        }
    }

    private func readMore() async throws -> Bool {
        guard !bodyEnded, var buffer = try await iterator.next() else { bodyEnded = true; return false }
        let bytes = buffer.readBytes(length: buffer.readableBytes) ?? []
        digest.update(bytes)
        try parser.execute(bytes)
        return true
    }

    /// Reads the fields up to the start of the file part; its file name, if there is one.
    func readUntilFile() async throws -> ([String: String], String?) {
        while !fileStarted, try await readMore() {}
        if let deferredCSRF, fields[CSRFMiddleware.field] != deferredCSRF {
            // Checked before a byte of the file is used: a foreign page's form is refused as any other.
            throw AppError(.forbidden, "csrf_failed", "The form has expired or did not come from DataBank; reload the page and try again")
        }
        return (fields, fileName)
    }

    /// The next bytes of the file, or nil after its last.
    func nextFileChunk() async throws -> [UInt8]? {
        while fileBytes.isEmpty && !fileEnded {
            guard try await readMore() else { break }
        }
        guard !fileBytes.isEmpty else { return nil }
        defer { fileBytes = [] }
        return fileBytes
    }

    static func parameter(_ key: String, in header: String) -> String? {
        for part in header.split(separator: ";") {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == key { return String(kv[1]).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
        }
        return nil
    }
}
