import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Vapor
import DataBankCore

/// Reads a department's HTTP API (JSON, CSV or NDJSON answers) through AsyncHTTPClient, a page at a
/// time: each answer (at most `connectorHTTPPageBytes`) is parsed, its records mapped to the store's
/// items and handed to the ingest before the next page is asked for, so the answer set is never
/// held whole. The host is resolved and every address checked as webhook targets are (public
/// addresses, or what `DATABANK_CONNECTOR_ALLOW` lists), and the client is pinned to the checked
/// address; redirects are not followed, and a next-page link to another origin is refused (the
/// token would go with it).
///
/// Incremental reads send the last committed watermark in `watermarkParam` (e.g. `since`) and keep,
/// whatever the API does with it, only records whose watermark field is past it. An API need not
/// answer in watermark order, so the run's watermark is the largest value read, committed once the
/// last page is in; a run stopped part-way reads from the previous watermark again (upserted as they are).
struct HTTPSource: Sendable {
    var source: ConnectorSource
    /// The bearer token or the basic password.
    var secret: String?

    static let formats = ["json", "csv", "ndjson"]
    static let authKinds = ["none", "bearer", "basic"]
    static let defaultPageSize = 1000
    /// A guard against an API that pages forever.
    static let maxPages = 100_000

    // MARK: Settings

    /// Every problem of an HTTP source's settings, each with its field.
    static func problems(_ source: ConnectorSource) -> [FieldError] {
        var out: [FieldError] = []
        func add(_ field: String, _ code: String, _ zh: String, _ en: String) {
            out.append(FieldError(field: field, code: code, message: zh, messageEn: en))
        }
        if let text = source.url {
            let url = URL(string: text)
            if text.utf8.count > WebhookTargets.maxURLLength || url == nil || !["http", "https"].contains(url?.scheme?.lowercased() ?? "")
                || (url?.host ?? "").isEmpty
            {
                add("source.url", "invalid_url", "接口地址须为 http(s) 网址（最长 2048 个字符）", "source.url must be an http(s) URL (at most 2048 characters)")
            }
        } else {
            add("source.url", "required", "请填写接口地址", "source.url is required")
        }
        let format = source.format ?? "json"
        if !formats.contains(format) {
            add("source.format", "invalid_format", "接口格式为 json、csv 或 ndjson", "source.format is json, csv or ndjson for an HTTP source")
        }
        if source.table != nil || source.query != nil || source.path != nil {
            add("source.table", "not_applicable", "HTTP 接口数据源没有表、查询或路径", "An HTTP source has no table, query or path")
        }
        if source.records != nil && format != "json" {
            add("source.records", "not_applicable", "只有 JSON 应答才有记录路径", "Only a JSON answer has a records path")
        }
        if let paging = source.paging {
            if !HTTPPaging.styles.contains(paging.style) {
                add("source.paging.style", "invalid_paging", "分页方式为 none、offset、cursor 或 link", "paging.style is none, offset, cursor or link")
            }
            if let size = paging.pageSize, !(1...100_000).contains(size) {
                add("source.paging.pageSize", "out_of_range", "每页行数应在 1–100000 之间", "paging.pageSize must be from 1 to 100000")
            }
            if paging.style == "cursor" {
                if (paging.cursorPath ?? "").isEmpty {
                    add("source.paging.cursorPath", "required", "游标分页须给出下一页游标在应答中的路径", "Cursor paging needs the path of the next cursor in the answer")
                }
                if format != "json" {
                    add("source.paging.style", "invalid_paging", "游标分页只用于 JSON 应答", "Cursor paging needs a JSON answer")
                }
            }
            for (field, value) in [("offsetParam", paging.offsetParam), ("limitParam", paging.limitParam), ("cursorParam", paging.cursorParam)] {
                if let v = value, v.count > 100 || v.contains(where: { $0.isWhitespace }) {
                    add("source.paging.\(field)", "invalid_param", "参数名无效", "Not a valid parameter name")
                }
            }
        }
        let auth = source.auth ?? "none"
        if !authKinds.contains(auth) {
            add("source.auth", "invalid_auth", "认证方式为 none、bearer 或 basic", "source.auth is none, bearer or basic")
        }
        if auth == "basic" && (source.user ?? "").isEmpty {
            add("source.user", "required", "Basic 认证须填写用户名", "Basic authentication needs source.user")
        }
        if let p = source.watermarkParam, p.count > 100 || p.contains(where: { $0.isWhitespace }) {
            add("source.watermarkParam", "invalid_param", "参数名无效", "Not a valid parameter name")
        }
        return out
    }

    // MARK: Reading

    func read(_ read: SourceRead, app: Application, page: (SourcePage) async throws -> Void) async throws {
        let settings = app.settings
        guard let base = URL(string: source.url ?? ""), let host = base.host, !host.isEmpty else {
            throw AppError.field(.unprocessableEntity, "invalid_url", "source.url", zh: "接口地址无效", en: "source.url is not valid")
        }
        let address: IPAddressBytes
        do {
            address = try await WebhookTargets.checkedAddress(host: host, allow: settings.connectorAllow)
        } catch .notAllowed {
            throw AppError.field(
                .unprocessableEntity, "source_not_allowed", "source.url", zh: "不允许连接 \(host)：内网地址须列入 DATABANK_CONNECTOR_ALLOW",
                en: "\(host) may not be reached: a private address must be listed in DATABANK_CONNECTOR_ALLOW")
        } catch {
            throw SourceFailure.unreachable(host, field: "source.url", detail: "the host name does not resolve")
        }
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .seconds(10), read: .milliseconds(Int64(settings.connectorHTTPTimeout * 1000))),
            connectionPool: .init(idleTimeout: .seconds(5)))
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        configuration.dnsOverride[host] = address.description
        configuration.dnsOverride[bare] = address.description
        let client = HTTPClient(eventLoopGroupProvider: .shared(app.eventLoopGroup), configuration: configuration)
        do {
            try await pages(read, base: base, client: client, settings: settings, page: page)
            try? await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    private func pages(
        _ read: SourceRead, base: URL, client: HTTPClient, settings: Settings, page: (SourcePage) async throws -> Void
    ) async throws {
        let paging = source.paging ?? HTTPPaging(style: "none")
        let pageSize = paging.pageSize ?? Self.defaultPageSize
        var fixed: [URLQueryItem] = []
        if read.watermarkColumn != nil, let after = read.after, let param = source.watermarkParam, !param.isEmpty {
            fixed.append(URLQueryItem(name: param, value: after.value))
        }
        var offset = 0
        var next: URL? = try Self.url(base, adding: fixed + offsetItems(paging, offset: 0, pageSize: pageSize))
        var cursors: Set<String> = []
        var highest: Watermark?
        var taken = 0
        var count = 0
        while let url = next {
            count += 1
            if count > Self.maxPages {
                throw Self.httpError("the API gave more than \(Self.maxPages) pages", zh: "接口的分页超过 \(Self.maxPages) 页")
            }
            let answer = try await fetch(url, client: client, settings: settings)
            let (records, document) = try parse(answer.body)
            // Where the next page is, before this one goes to the ingest.
            next = nil
            switch paging.style {
            case "offset":
                if records.count >= pageSize && !records.isEmpty {
                    offset += records.count
                    next = try Self.url(base, adding: fixed + offsetItems(paging, offset: offset, pageSize: pageSize))
                }
            case "cursor":
                let value = document.flatMap { HTTPSourcePages.locate(paging.cursorPath, in: $0) }
                let cursor: String? =
                    switch value {
                    case .string(let s)?: s.isEmpty ? nil : s
                    case .number(let n)?: n
                    default: nil
                    }
                if let cursor {
                    guard cursors.insert(cursor).inserted else {
                        throw Self.httpError("the API gave the cursor \(cursor) twice", zh: "接口两次给出同一游标 \(cursor)")
                    }
                    next = try Self.url(base, adding: fixed + [URLQueryItem(name: paging.cursorParam ?? "cursor", value: cursor)])
                }
            case "link":
                if let target = HTTPSourcePages.nextLink(answer.headers[canonicalForm: "Link"].map(String.init)) {
                    guard let resolved = URL(string: target, relativeTo: url)?.absoluteURL else {
                        throw Self.httpError("the next-page link \(target) is not a URL", zh: "下一页链接 \(target) 不是有效网址")
                    }
                    guard resolved.scheme == base.scheme, resolved.host == base.host, resolved.port == base.port else {
                        throw Self.httpError(
                            "the next-page link leads to another site (\(resolved.host ?? "")); it is not followed",
                            zh: "下一页链接指向其他站点（\(resolved.host ?? "")），不予跟随")
                    }
                    next = resolved
                }
            default: break
            }
            var out = SourcePage()
            for record in records {
                if let limit = read.limit, taken >= limit { break }
                if let column = read.watermarkColumn {
                    // A record without a watermark never passes one, as NULLs in a database source.
                    guard let mark = HTTPSourcePages.watermark(record.first(where: { $0.key == column })?.value) else { continue }
                    if let after = read.after, !HTTPSourcePages.isAfter(mark, after) { continue }
                    if highest.map({ HTTPSourcePages.isAfter(mark, $0) }) ?? true { highest = mark }
                }
                out.ndjson.append(contentsOf: HTTPSourcePages.line(record, mapping: read.mapping).utf8)
                out.ndjson.append(0x0A)
                out.rows += 1
                taken += 1
            }
            let full = read.limit.map { taken >= $0 } ?? false
            out.last = next == nil || full
            // The watermark is the largest value read, committed with the last page only (see above).
            if out.last, let highest { out.watermarks = [highest] }
            try await page(out)
            if out.last { return }
        }
    }

    private func offsetItems(_ paging: HTTPPaging, offset: Int, pageSize: Int) -> [URLQueryItem] {
        guard paging.style == "offset" else { return [] }
        return [
            URLQueryItem(name: paging.offsetParam ?? "offset", value: String(offset)),
            URLQueryItem(name: paging.limitParam ?? "limit", value: String(pageSize))
        ]
    }

    /// `base` with `items` set (replacing parameters of the same name it carries).
    static func url(_ base: URL, adding items: [URLQueryItem]) throws -> URL {
        guard var c = URLComponents(url: base, resolvingAgainstBaseURL: true) else { return base }
        guard !items.isEmpty else { return base }
        var query = (c.queryItems ?? []).filter { item in !items.contains { $0.name == item.name } }
        query += items
        c.queryItems = query
        // `+` is a space to most servers' form decoding: a watermark like 2026-12-06T10:00:00+08:00 keeps its plus.
        c.percentEncodedQuery = c.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return c.url ?? base
    }

    struct Answer {
        var headers: HTTPHeaders
        var body: ByteBuffer
    }

    private func fetch(_ url: URL, client: HTTPClient, settings: Settings) async throws -> Answer {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.headers.add(
            name: "Accept",
            value: ["csv": "text/csv", "ndjson": "application/x-ndjson"][source.format ?? "json"] ?? "application/json")
        request.headers.add(name: "User-Agent", value: "DataBank-connector/1")
        switch source.auth ?? "none" {
        case "bearer":
            if let secret { request.headers.add(name: "Authorization", value: "Bearer \(secret)") }
        case "basic":
            let pair = "\(source.user ?? ""):\(secret ?? "")"
            request.headers.add(name: "Authorization", value: "Basic \(Data(pair.utf8).base64EncodedString())")
        default: break
        }
        let label = url.host ?? ""
        let deadline = TimeAmount.milliseconds(Int64((settings.connectorHTTPTimeout + 10) * 1000))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: deadline)
        } catch {
            throw SourceFailure.unreachable(label, field: "source.url", detail: Self.describe(error, settings: settings))
        }
        let status = response.status
        guard (200..<300).contains(status.code) else {
            // The first bytes of the answer say why, usually.
            var head = ByteBuffer()
            do {
                for try await var chunk in response.body {
                    head.writeBuffer(&chunk)
                    if head.readableBytes >= 300 { break }
                }
            } catch {}
            let start = String(decoding: head.readableBytesView.prefix(300), as: UTF8.self)
                .replacingOccurrences(of: "\n", with: " ").trimmingCharacters(in: .whitespaces)
            let detail = "HTTP \(status.code) \(status.reasonPhrase)" + (start.isEmpty ? "" : ": \(start)")
            if status == .unauthorized || status == .forbidden {
                throw AppError.field(
                    .unprocessableEntity, "source_auth_failed", "source.password", zh: "接口拒绝了认证信息（令牌或用户名密码）：\(detail)",
                    en: "The API refused the credentials (token or user name and password): \(detail)")
            }
            if (300..<400).contains(status.code) {
                throw Self.httpError("\(detail) — redirects are not followed; give the final address", zh: "\(detail)——不跟随重定向，请填写最终地址")
            }
            throw Self.httpError(detail, zh: detail)
        }
        let cap = settings.connectorHTTPPageBytes
        if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > cap {
            throw Self.tooLarge(cap)
        }
        var body = ByteBuffer()
        do {
            for try await var chunk in response.body {
                if body.readableBytes + chunk.readableBytes > cap { throw Self.tooLarge(cap) }
                body.writeBuffer(&chunk)
            }
        } catch let e as AppError {
            throw e
        } catch {
            throw SourceFailure.unreachable(label, field: "source.url", detail: "the answer broke off: " + Self.describe(error, settings: settings))
        }
        return Answer(headers: response.headers, body: body)
    }

    /// The page's records (each an object's members, in order) and, for JSON, the whole answer.
    private func parse(_ body: ByteBuffer) throws -> ([[(key: String, value: JSONValue)]], JSONValue?) {
        let bytes = Array(body.readableBytesView)
        switch source.format ?? "json" {
        case "csv":
            return (try Self.csvRecords(bytes), nil)
        case "ndjson":
            var out: [[(key: String, value: JSONValue)]] = []
            for (i, line) in bytes.split(separator: 0x0A).enumerated() {
                let text = line.last == 0x0D ? line.dropLast() : line[...]
                if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                let value: JSONValue
                do { value = try JSONReader.parse(Array(text)) } catch {
                    throw Self.notJSON("line \(i + 1): \(error.fieldErrors.first?.messageEn ?? "not JSON")")
                }
                guard case .object(let members) = value else { throw Self.notJSON("line \(i + 1) is \(value.typeName), not an object") }
                out.append(members)
            }
            return (out, nil)
        default:
            let document: JSONValue
            do {
                document = try JSONReader.parse(bytes)
            } catch {
                let start = String(decoding: bytes.prefix(80), as: UTF8.self).replacingOccurrences(of: "\n", with: " ")
                throw Self.notJSON("\(error.fieldErrors.first?.messageEn ?? "not JSON") — the answer begins: \(start)")
            }
            let path = source.records ?? ""
            guard let found = HTTPSourcePages.locate(path, in: document) else {
                throw Self.notArray("nothing at \(path.isEmpty ? "/" : path) in the answer", zh: "应答中 \(path.isEmpty ? "/" : path) 处没有值")
            }
            guard case .array(let items) = found else {
                throw Self.notArray(
                    "\(path.isEmpty ? "the answer" : path) is \(found.typeName), not an array of records",
                    zh: "\(path.isEmpty ? "应答" : path) 是 \(found.typeName)，不是记录数组")
            }
            var out: [[(key: String, value: JSONValue)]] = []
            for (i, item) in items.enumerated() {
                guard case .object(let members) = item else {
                    throw Self.notArray("record \(i) is \(item.typeName), not an object", zh: "第 \(i) 条记录是 \(item.typeName)，不是对象")
                }
                out.append(members)
            }
            return (out, document)
        }
    }

    /// A CSV page: its header names the fields, every value a text (UTF-8, a BOM dropped).
    static func csvRecords(_ bytes: [UInt8]) throws -> [[(key: String, value: JSONValue)]] {
        var data = bytes
        if data.starts(with: [0xEF, 0xBB, 0xBF]) { data.removeFirst(3) }
        var parser = CSVParser()
        var header: [String] = []
        var out: [[(key: String, value: JSONValue)]] = []
        func take(_ record: CSVRecord) {
            if header.isEmpty {
                header = (0..<record.count).map { record.string($0).trimmingCharacters(in: .whitespaces) }
                return
            }
            if record.count == 1 && record.field(0).isEmpty { return }
            out.append((0..<min(record.count, header.count)).map { (key: header[$0], value: JSONValue.string(record.string($0))) })
        }
        data.withUnsafeBufferPointer { parser.feed($0, take) }
        parser.finish(take)
        return out
    }

    static func describe(_ error: any Error, settings: Settings) -> String {
        if let e = error as? HTTPClientError {
            if e == .connectTimeout { return "no connection within 10 s" }
            if e == .readTimeout || e == .deadlineExceeded { return "no answer within \(Int(settings.connectorHTTPTimeout)) s" }
        }
        let text = "\(error)"
        if text.contains("refused") { return "connection refused" }
        return text
    }

    static func httpError(_ en: String, zh: String) -> AppError {
        AppError.field(.unprocessableEntity, "source_http_error", "source.url", zh: "接口应答错误：\(zh)", en: "The API answered with an error: \(en)")
    }

    static func notJSON(_ detail: String) -> AppError {
        AppError.field(
            .unprocessableEntity, "source_not_json", "source.format", zh: "接口应答不是有效的 JSON：\(detail)", en: "The API's answer is not valid JSON: \(detail)")
    }

    static func notArray(_ en: String, zh: String) -> AppError {
        AppError.field(
            .unprocessableEntity, "source_records_not_array", "source.records", zh: "记录路径处不是记录数组：\(zh)",
            en: "The records path does not hold an array of records: \(en)")
    }

    static func tooLarge(_ cap: Int) -> AppError {
        AppError.field(
            .unprocessableEntity, "source_page_too_large", "source.url", zh: "接口的一页应答超过 \(cap) 字节，请减小每页行数",
            en: "One page of the API's answer is over \(cap) bytes; ask for smaller pages")
    }
}
