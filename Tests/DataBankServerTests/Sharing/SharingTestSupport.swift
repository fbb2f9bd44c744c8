import DataBankCore
@testable import DataBankServer
import Fluent
import Testing
import Vapor
import VaporTesting

extension Application {
    /// Makes the fixture's resource 无条件共享 and applies for it as `consumer` (granted at once):
    /// `items`, the legal representative masked by name, the records with keys up to `lastKey`.
    func grantAtOnce(_ f: StoreFixture, consumer: String, items: [String], lastKey: String, purpose: String) async throws -> GrantRow {
        let resource = try #require(try await ResourceRow.query(on: db).filter(\.$code == f.code).first())
        resource.sharingType = SharingType.unconditional.rawValue
        try await resource.save(on: db)
        let res = try await send(.POST, "/api/v1/applications", token: consumer, json: [
            "resource": AnyEncodable(f.code), "purpose": AnyEncodable(purpose), "items": AnyEncodable(items),
            "masks": AnyEncodable(["legal_rep": "mask:name"]), "rowFilter": AnyEncodable("\(f.keyColumn.name)__lte=\(lastKey)"),
            "validUntil": AnyEncodable("2027-06-30")])
        #expect(res.status == .created, "\(res.body.string)")
        let id = try #require(try res.decode(ApplicationInfo.self).id)
        return try #require(try await GrantRow.query(on: db).filter(\.$applicationID == id).first())
    }
}
