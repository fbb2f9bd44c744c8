import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
import SQLKit
import Testing
import Vapor
import VaporTesting
import ZIPFoundation

/// What `mode=check` and `mode=apply` answer.
struct SchemaCheckAnswer: Decodable {
    struct Difference: Decodable { var kind: String; var field: String?; var property: String?; var schema: String?; var resource: String? }
    var matches: Bool
    var differences: [Difference]
}

struct SchemaApplyAnswer: Decodable {
    struct Rule: Decodable { var kind: String; var expression: String?; var references: String? }
    var applied: String
    var version: Int
    var items: [InformationItem]?
    var rulesAdded: [Rule]
    var notKept: [String]
}

/// Frictionless interoperability: a resource as Table Schema and Data Package (under the reader's
/// grant), a Table Schema checked against a resource or applied to it, a draft created from one;
/// bad schemas refused with the position at fault, nothing saved.
@Suite("Table Schema API")
struct TableSchemaAPITests {
    func schema(_ app: Application, _ code: String, token: String? = nil) async throws -> TableSchema {
        let res = try await app.send(.GET, "/api/v1/resources/\(code)/schema.json", token: token)
        #expect(res.status == .ok, "\(res.body.string)")
        return try TableSchema.parse(Array(res.body.readableBytesView))
    }

    func post(_ app: Application, _ path: String, token: String?, _ text: String) async throws -> TestingHTTPResponse {
        try await app.sendRaw(.POST, path, token: token, contentType: "application/json", body: Array(text.utf8))
    }

    /// The schema of a published resource has one field per item, its key, and DataBank's facts namespaced.
    @Test func schemaOfAPublishedResource() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let s = try await schema(app, f.code)
            #expect(s.fields.map(\.name) == f.layout.columns.map(\.name))
            #expect(s.primaryKey == f.layout.keyNames)
            #expect(s.layout().columns.map(\.type) == f.layout.columns.map(\.type))
            #expect(s.field(named: "credit_code")?.databank.semantic == .creditCode)
            #expect(s.field(named: "credit_code")?.constraints.pattern != nil)
        }
    }

    /// The package descriptor names data/<code>.csv and holds the same schema.
    @Test func dataPackageDescriptor() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/datapackage.json")
            let json = try JSONReader.parse(Array(res.body.readableBytesView))
            let resource = try #require(json["resources"]?.arrayValue?.first)
            #expect(resource["path"] == .string("data/\(f.code.lowercased()).csv"))
            #expect(resource["encoding"] == .string("utf-8"))
            #expect(try TableSchema.parse(#require(resource["schema"])) == (try await schema(app, f.code)))
        }
    }

    /// The zip holds datapackage.json and the records as CSV, and the read is audited.
    @Test func dataPackageZipHoldsTheRecords() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<3), token: token)
            let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/datapackage.zip", token: token)
            #expect(res.status == .ok, "\(res.body.string)")
            #expect(res.headers.contentType?.description == "application/zip")
            let files = try unzip(res)
            #expect(files["datapackage.json"] != nil)
            let csv = try #require(files["data/\(f.code.lowercased()).csv"])
            let lines = csv.split(separator: "\r\n")
            #expect(lines.first.map(String.init) == f.header())
            #expect(lines.count == 4)
            let audited = try await app.db.sql.raw("SELECT * FROM audit_log ORDER BY seq").all().map(AuditLog.decode)
            #expect(audited.filter { $0.operation == "export.datapackage" }.count == 1)
            #expect(try await app.send(.GET, "/api/v1/resources/\(f.code)/datapackage.zip").status == .unauthorized)
            #expect(
                try await app.send(.GET, "/api/v1/resources/\(f.code)/datapackage.zip?purpose=x", token: try await app.token("jtj_steward")).status
                    == .forbidden)
        }
    }

    /// A consumer's package holds only its grant's items and rows, masked, and the schema says so.
    @Test func dataPackageZipFollowsTheGrant() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            _ = try await app.loadCSV(f, f.csv(rows: 0..<4), token: try await app.token(f.steward))
            let consumer = try await app.token("jtj_steward")
            _ = try await app.grantAtOnce(f, consumer: consumer, items: ["enterprise_name", "legal_rep"], lastKey: f.key(1), purpose: "包")
            let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/datapackage.zip?purpose=test", token: consumer)
            #expect(res.status == .ok, "\(res.body.string)")
            let files = try unzip(res)
            let csv = try #require(files["data/\(f.code.lowercased()).csv"]).split(separator: "\r\n")
            let header = csv[0].split(separator: ",").map(String.init)
            #expect(Set(header).isSubset(of: Set(["enterprise_name", "legal_rep", f.keyColumn.name])))
            #expect(header.contains("legal_rep"))
            #expect(csv.count == 3)
            let legalRep = header.firstIndex(of: "legal_rep")!
            let reps = csv.dropFirst().map { String($0.split(separator: ",", omittingEmptySubsequences: false)[legalRep]) }
            #expect(!reps.contains("值0-0") && !reps.contains("值1-0"), "\(reps)")
            let descriptor = try JSONReader.parse(Array(try #require(files["datapackage.json"]).utf8))
            let schema = try TableSchema.parse(try #require(descriptor["resources"]?.arrayValue?.first?["schema"]))
            #expect(schema.fields.map(\.name) == header)
            #expect(schema.field(named: "legal_rep")?.constraints == .init(required: schema.field(named: "legal_rep")?.constraints.required))
        }
    }

    /// `mode=check` names missing fields, type mismatches and constraint differences; the own schema matches.
    @Test func checkNamesTheDifferences() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            var s = try await schema(app, f.code)
            let path = "/api/v1/resources/\(f.code)/schema?mode=check"
            let same = try await post(app, path, token: nil, s.serialized()).decode(SchemaCheckAnswer.self)
            #expect(same.matches)
            let text = try #require(f.textColumn).name
            let removed = s.fields.removeLast()
            let i = try #require(s.fields.firstIndex { $0.name == text })
            s.fields[i].constraints.maxLength = 3
            s.fields.append(TableSchema.Field(name: "extra_col", type: .integer))
            let answer = try await post(app, path, token: nil, s.serialized()).decode(SchemaCheckAnswer.self)
            #expect(!answer.matches)
            #expect(answer.differences.contains { $0.kind == "missing_field" && $0.field == removed.name })
            #expect(answer.differences.contains { $0.kind == "extra_field" && $0.field == "extra_col" })
            #expect(answer.differences.contains { $0.kind == "constraint_difference" && $0.field == text && $0.property == "maxLength" && $0.schema == "3" })
        }
    }

    /// Not JSON: 400 with the line and column; an unknown type or a bad pattern: 422 at the field's path.
    @Test func badSchemasSayWhere() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let path = "/api/v1/resources/\(f.code)/schema?mode=apply"
            let notJSON = try await post(app, path, token: token, "{\n  \"fields\": [\n    {\"name\": \"a\" \"type\": \"string\"}\n  ]\n}")
            #expect(notJSON.status == .badRequest)
            let e1 = try notJSON.errorBody()
            #expect(e1.code == "invalid_json")
            #expect(e1.details.first?.messageEn.hasPrefix("line 3, column 18") == true, "\(e1)")
            let unknown = try await post(app, path, token: token, #"{"fields": [{"name": "a"}, {"name": "b", "type": "geojson"}]}"#)
            #expect(unknown.status == .unprocessableEntity)
            #expect(try unknown.errorBody().details.map(\.field) == ["fields[1].type"])
            let pattern = try await post(app, path, token: token, #"{"fields": [{"name": "a", "constraints": {"pattern": "(["}}, {"name": "a"}]}"#)
            #expect(try Set(pattern.errorBody().details.map(\.field)) == ["fields[0].constraints.pattern", "fields[1].name"])
            #expect(try await QualityRuleRow.query(on: app.db).count() == 0)
        }
    }

    /// On a published resource, `apply` adds the schema's extra constraints as rules only; a rule that
    /// does not compile refuses the whole import.
    @Test func applyOnPublishedAddsRules() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            var s = try await schema(app, f.code)
            let text = try #require(f.textColumn).name
            let i = try #require(s.fields.firstIndex { $0.name == text })
            s.fields[i].constraints.minLength = 2
            s.fields[i].constraints.pattern = "[^<>]*"
            let path = "/api/v1/resources/\(f.code)/schema?mode=apply"
            var bad = s
            bad.writtenRules = [.init(expression: "\(text) >= ")]
            let refused = try await post(app, path, token: token, bad.serialized())
            #expect(refused.status == .unprocessableEntity)
            #expect(try refused.errorBody().details.first?.field == "databank:rules[0].expression")
            #expect(try await QualityRuleRow.query(on: app.db).count() == 0)
            #expect(try await post(app, path, token: try await app.token("jtj_steward"), s.serialized()).status == .forbidden)
            let res = try await post(app, path, token: token, s.serialized())
            #expect(res.status == .ok, "\(res.body.string)")
            let answer = try res.decode(SchemaApplyAnswer.self)
            #expect(answer.applied == "rules")
            #expect(answer.rulesAdded.compactMap(\.expression) == ["length(\(text)) >= 2", "matches(\(text), '^(?:[^<>]*)$')"])
            #expect(try await QualityRuleRow.query(on: app.db).count() == 2)
            let again = try await post(app, path, token: token, s.serialized()).decode(SchemaApplyAnswer.self)
            #expect(again.rulesAdded.isEmpty)
            // The written rules come back in the export, as databank:rules.
            #expect(try await schema(app, f.code).writtenRules.count == 2)
        }
    }

    /// A foreign key to an unpublished resource, or to a column that is not its key, refuses the import at `foreignKeys[i].reference`.
    @Test func foreignKeysNeedAPublishedKey() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            let token = try await app.token(f.steward)
            let unpublished = try #require(try await ResourceRow.query(on: app.db).filter(\.$publishedRevision == nil).first())
            var s = try await schema(app, f.code)
            let path = "/api/v1/resources/\(f.code)/schema?mode=apply"
            s.foreignKeys = [.init(fields: ["credit_code"], resource: unpublished.code, referenceFields: ["x"])]
            let refused = try await post(app, path, token: token, s.serialized())
            #expect(refused.status == .conflict)
            #expect(try refused.errorBody().code == "not_published")
            #expect(try refused.errorBody().details.map(\.field) == ["foreignKeys[0].reference"])
            s.foreignKeys = [.init(fields: ["credit_code"], resource: f.code, referenceFields: ["credit_code"])]
            let ok = try await post(app, path, token: token, s.serialized())
            #expect(try ok.decode(SchemaApplyAnswer.self).rulesAdded.map(\.references) == ["\(f.code).credit_code"])
        }
    }

    /// On a draft, `apply` replaces the items through the catalog's edit (validation, version) and writes rules.
    @Test func applyOnDraftReplacesItems() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            let sample = try await sampleResource(app)
            #expect(try await app.send(.POST, "/api/v1/resources", token: token, json: sample).status == .created)
            let standards = try await StandardRow.query(on: app.db).all().map(\.standard)
            let c = try #require(standards.first { $0.dataType == .C && $0.pattern == nil && $0.codeList.isEmpty && ($0.length ?? 0) >= 20 })
            let d = try #require(standards.first { $0.dataType == .D })
            let schemaText = """
                {"fields": [{"name": "reg_no", "title": "登记编号", "type": "string", "constraints": {"required": true, "maxLength": 20}, "databank:standard": "\(c.code)"},
                            {"name": "reg_day", "title": "登记日", "type": "date", "constraints": {"minimum": "2000-01-01"}, "databank:standard": "\(d.code)"}],
                 "primaryKey": "reg_no"}
                """
            let path = "/api/v1/resources/\(sample.code)/schema?mode=apply"
            let broken = schemaText.replacingOccurrences(of: "\"\(d.code)\"", with: "\"NOPE\"")
            let refused = try await post(app, path, token: token, broken)
            #expect(try refused.errorBody().details.map(\.field) == ["fields[1].databank:standard"])
            let res = try await post(app, path, token: token, schemaText)
            #expect(res.status == .ok, "\(res.body.string)")
            let answer = try res.decode(SchemaApplyAnswer.self)
            #expect(answer.applied == "items")
            #expect(answer.items?.map(\.column) == ["reg_no", "reg_day"])
            #expect(answer.rulesAdded.compactMap(\.expression) == ["reg_day >= '2000-01-01'"])
            let detail = try await app.send(.GET, "/api/v1/resources/\(sample.code)", token: token).decode(ResourceDetail.self)
            #expect(detail.working?.items.map(\.column) == ["reg_no", "reg_day"])
            #expect(detail.version == 2)
            let stale = try await post(app, path + "&version=1", token: token, schemaText)
            #expect(stale.status == .conflict)
        }
    }

    /// A draft registered from a schema gets the schema's items; a bad schema names `schema.<path>` and registers nothing.
    @Test func createFromTableSchema() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            var sample = try await sampleResource(app, code: "301001-09002")
            let own = TableSchema(resource: sample, standards: try await TableSchemaAPI.standards(on: app.db))
            sample.items = []
            let resource = String(decoding: try JSONEncoder().encode(sample), as: UTF8.self)
            let bad = try await post(
                app, "/api/v1/resources/from-tableschema", token: token,
                #"{"resource": \#(resource), "schema": {"fields": [{"name": "a", "type": "object"}]}}"#)
            #expect(try bad.errorBody().details.first?.field == "schema.fields[0].type")
            #expect(try await ResourceRow.query(on: app.db).filter(\.$code == "301001-09002").count() == 0)
            let res = try await post(app, "/api/v1/resources/from-tableschema", token: token, #"{"resource": \#(resource), "schema": \#(own.serialized())}"#)
            #expect(res.status == .created, "\(res.body.string)")
            let detail = try await app.send(.GET, "/api/v1/resources/301001-09002", token: token).decode(ResourceDetail.self)
            #expect(detail.resource.items == (try await sampleResource(app)).items)
        }
    }

    /// The resource page links the downloads; the edit form imports a schema and re-shows its problems with the position.
    @Test func webImportShowsThePosition() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            let sample = try await sampleResource(app)
            #expect(try await app.send(.POST, "/api/v1/resources", token: token, json: sample).status == .created)
            var web = try await WebSession.signIn(app, "scj_steward")
            let page = try await web.get("/catalog/resources/\(sample.code)")
            #expect(page.body.string.contains("/api/v1/resources/\(sample.code)/schema.json"))
            let edit = try await web.get("/catalog/resources/\(sample.code)/edit")
            web.keep(edit)
            #expect(edit.body.string.contains("tableschema-import"))
            let res = try await web.post("/catalog/resources/\(sample.code)/tableschema", [("text", "{\"fields\": [\n{\"name\": \"x\" }},\n]}")])
            #expect(res.status == .badRequest)
            #expect(res.body.string.contains("tableschema-error"))
            #expect(res.body.string.contains("第 2 行第 15 列"))
            #expect(res.body.string.contains("}},"))
        }
    }

    /// The upload form (multipart, CSRF token in the action URL) replaces a draft's items from a schema file.
    @Test func webUploadReplacesTheItems() async throws {
        try await withDataBank { app in
            let token = try await app.token("scj_steward")
            let sample = try await sampleResource(app)
            #expect(try await app.send(.POST, "/api/v1/resources", token: token, json: sample).status == .created)
            var own = TableSchema(resource: sample, standards: try await TableSchemaAPI.standards(on: app.db))
            own.fields[1].title = "改名后的信息项"
            var web = try await WebSession.signIn(app, "scj_steward")
            web.keep(try await web.get("/catalog/resources/\(sample.code)/edit"))
            let csrf = web.cookies[CSRFMiddleware.cookie] ?? ""
            let boundary = "----databank-test"
            let body =
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"schema.json\"\r\nContent-Type: application/json\r\n\r\n"
                + own.serialized() + "\r\n--\(boundary)--\r\n"
            var headers = HTTPHeaders()
            headers.replaceOrAdd(name: .cookie, value: web.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
            headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
            var result: TestingHTTPResponse?
            try await app.testing().test(
                .POST, "/catalog/resources/\(sample.code)/tableschema?_csrf=\(csrf)", headers: headers,
                body: ByteBuffer(string: body), afterResponse: { result = $0 })
            let res = try #require(result)
            #expect(res.status == .seeOther, "\(res.body.string)")
            let detail = try await app.send(.GET, "/api/v1/resources/\(sample.code)", token: token).decode(ResourceDetail.self)
            #expect(detail.working?.items.map(\.name) == [sample.items[0].name, "改名后的信息项"])
        }
    }

    func unzip(_ res: TestingHTTPResponse) throws -> [String: String] {
        let archive = try Archive(data: Data(res.body.readableBytesView), accessMode: .read)
        var files: [String: String] = [:]
        for entry in archive {
            var data = Data()
            _ = try archive.extract(entry) { data.append($0) }
            files[entry.path] = String(decoding: data, as: UTF8.self)
        }
        return files
    }
}
