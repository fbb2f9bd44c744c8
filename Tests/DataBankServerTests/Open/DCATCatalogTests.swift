import DataBankCore
@testable import DataBankServer
import Fluent
import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
import Vapor
import VaporTesting

/// The open catalog as DCAT-AP 3.0.1 (`/catalog.ttl|jsonld|rdf`, `/dataset/{code}.ttl|jsonld|rdf`):
/// only what the open portal may show, paged with Hydra, a non-open code answered as an unknown one.
@Suite("DCAT catalog")
struct DCATCatalogTests {
    /// Codes of the demo's resources by what the open catalog must do with them.
    struct Cases {
        var open: Set<String>  // published, not classified, 无条件开放 or 有条件开放
        var unconditional: String
        var conditional: String
        var closed: String  // published, 不予开放
        var unpublished: String
    }

    func cases(_ app: Application) async throws -> Cases {
        let rows = try await ResourceRow.query(on: app.db).all()
        let published = rows.filter { $0.publishedRevision != nil && $0.state != .retired && !$0.classified }
        let open = published.filter { $0.openType != OpenType.closed.rawValue }
        return Cases(
            open: Set(open.map(\.code)),
            unconditional: try #require(open.first { $0.openType == OpenType.unconditional.rawValue }?.code),
            conditional: try #require(open.first { $0.openType == OpenType.conditional.rawValue }?.code),
            closed: try #require(published.first { $0.openType == OpenType.closed.rawValue }?.code),
            unpublished: try #require(rows.first { $0.publishedRevision == nil }?.code))
    }

    /// Dataset codes named by `dcat:dataset` in a Turtle page.
    func datasetCodes(_ ttl: String) -> Set<String> {
        let marker = "dcat:dataset "
        var codes: Set<String> = []
        for line in ttl.split(separator: "\n") where line.contains(marker) {
            for part in line.components(separatedBy: "/dataset/").dropFirst() {
                codes.insert(String(part.prefix { $0 != ">" }))
            }
        }
        return codes
    }

    @Test func catalogListsExactlyThePublishedOpenResources() async throws {
        try await withDataBank { app in
            let c = try await cases(app)
            let res = try await app.send(.GET, "/catalog.ttl?per_page=500")
            #expect(res.status == .ok)
            #expect(res.headers.contentType?.description.hasPrefix("text/turtle") == true)
            #expect(datasetCodes(res.body.string) == c.open)
            #expect(res.body.string.contains("hydra:totalItems \"\(c.open.count)\"^^xsd:nonNegativeInteger"))
            // Signed in as the platform admin changes nothing: this is the public catalog.
            let admin = try await app.send(.GET, "/catalog.ttl?per_page=500", token: try await app.token("admin"))
            #expect(datasetCodes(admin.body.string) == c.open)
        }
    }

    @Test func everySyntaxDescribesTheSameDatasets() async throws {
        try await withDataBank { app in
            let c = try await cases(app)
            let json = try await app.send(.GET, "/catalog.jsonld?per_page=500")
            #expect(json.status == .ok && json.headers.contentType?.description.hasPrefix("application/ld+json") == true)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.body.string.utf8)) as? [String: Any])
            let nodes = try #require(object["@graph"] as? [[String: Any]])
            let datasets = nodes.filter { ($0["@type"] as? [String])?.contains("dcat:Dataset") == true }.compactMap { $0["@id"] as? String }
            #expect(Set(datasets.map { String($0.split(separator: "/").last!) }) == c.open)
            let xml = try await app.send(.GET, "/catalog.rdf?per_page=500")
            #expect(xml.status == .ok && xml.headers.contentType?.description.hasPrefix("application/rdf+xml") == true)
            let parsed = try XMLDocument(data: Data(xml.body.string.utf8))
            #expect(
                try parsed.nodes(
                    forXPath: "//*[local-name()='Description']/*[local-name()='type'][@*[local-name()='resource']='http://www.w3.org/ns/dcat#Dataset']"
                ).count == c.open.count)
        }
    }

    @Test func aNonOpenCodeAnswersExactlyAsAnUnknownOne() async throws {
        try await withDataBank { app in
            let c = try await cases(app)
            let unknown = try await app.send(.GET, "/dataset/999999-99999.ttl")
            #expect(unknown.status == .notFound)
            let admin = try await app.token("admin")
            for code in [c.closed, c.unpublished] {
                for token in [nil, admin] {
                    let res = try await app.send(.GET, "/dataset/\(code).ttl", token: token)
                    #expect(res.status == .notFound)
                    let error = try res.errorBody(), expected = try unknown.errorBody()
                    #expect(error.code == expected.code && error.message.replacingOccurrences(of: code, with: "999999-99999") == expected.message)
                }
            }
            #expect(try await app.send(.GET, "/dataset/\(c.unconditional).txt").status == .notFound)
        }
    }

    @Test func openDatasetDownloadsAnswerAnonymously() async throws {
        try await withDataBank { app in
            let c = try await cases(app)
            let res = try await app.send(.GET, "/dataset/\(c.unconditional).ttl")
            #expect(res.status == .ok)
            let ttl = res.body.string
            let marker = "dcat:downloadURL <http://"
            let csvLine = try #require(ttl.split(separator: "\n").first { $0.contains(marker) && $0.contains("/data.csv") })
            let url = try #require(URLComponents(string: String(csvLine.split(separator: "<")[1].prefix { $0 != ">" })))
            let csv = try await app.send(.GET, url.path)
            #expect(csv.status == .ok, "\(csv.body.string)")
            #expect(ttl.contains("dct:accessRights <http://publications.europa.eu/resource/authority/access-right/PUBLIC>"))
            #expect(ttl.contains("dcat:accessURL <http://localhost/datasets/\(c.unconditional)>"))
            #expect(ttl.contains("dct:conformsTo <http://localhost/api/v1/resources/\(c.unconditional)/schema.json>"))
            let conditional = try await app.send(.GET, "/dataset/\(c.conditional).jsonld")
            #expect(conditional.status == .ok)
            #expect(!conditional.body.string.contains("dcat:downloadURL"))
            #expect(conditional.body.string.contains("access-right/RESTRICTED"))
        }
    }

    @Test func pagesLinkFirstPreviousNextAndLast() async throws {
        try await withDataBank { app in
            let total = try await cases(app).open.count
            #expect(total > 3)
            let last = (total + 2) / 3
            let res = try await app.send(.GET, "/catalog.ttl?page=2&per_page=3")
            #expect(res.status == .ok)
            let ttl = res.body.string
            #expect(datasetCodes(ttl).count == 3)
            for (rel, n) in [("first", 1), ("previous", 1), ("next", 3), ("last", last)] {
                #expect(ttl.contains("hydra:\(rel) </catalog.ttl?page=\(n)&per_page=3>".replacingOccurrences(of: "</", with: "<http://localhost/")), "\(rel)")
            }
            let end = try await app.send(.GET, "/catalog.ttl?page=\(last)&per_page=3")
            #expect(!end.body.string.contains("hydra:next"))
        }
    }

    @Test func badPagingIsRefusedNamingTheParameter() async throws {
        try await withDataBank { app in
            for query in ["page=0", "page=x", "per_page=501", "per_page=-1", "page=99999999999999999999"] {
                let res = try await app.send(.GET, "/catalog.jsonld?\(query)")
                #expect(res.status == .badRequest, "\(query)")
                #expect(try res.errorBody().details.first?.field == query.split(separator: "=")[0].description)
            }
        }
    }

    @Test func irisUseTheConfiguredPublicAddressAndNeverAForgedHost() async throws {
        try await withDataBank(adjust: { $0.publicURL = "https://data.example.gov.cn" }) { app in
            let res = try await app.send(.GET, "/catalog.ttl?per_page=1")
            #expect(res.body.string.contains("<https://data.example.gov.cn/catalog>"))
        }
        try await withDataBank { app in
            var result: TestingHTTPResponse?
            try await app.testing().test(.GET, "/catalog.ttl?per_page=1", headers: ["Host": "evil> <x"]) { result = $0 }
            let body = try #require(result).body.string
            #expect(!body.contains("evil"))
            #expect(body.contains("<http://localhost/catalog>"))
        }
    }
}
