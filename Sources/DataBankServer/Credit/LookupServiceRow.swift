import Fluent
import Vapor
import DataBankCore

/// A look-up service (`lookup_services`, migration `CreateLookupServices`): its definition and the
/// number of look-ups it answered.
final class LookupServiceRow: Model, @unchecked Sendable {
    static let schema = "lookup_services"
    @ID(custom: "code", generatedBy: .user) var id: String?
    @Field(key: "resource_code") var resourceCode: String
    /// Comma-separated column names (item columns never hold a comma).
    @Field(key: "key_items") var keyItemsText: String
    @Field(key: "match_kind") var matchKind: String
    @Field(key: "returned_items") var returnedItemsText: String
    @Field(key: "name") var name: String
    @OptionalField(key: "name_en") var nameEn: String?
    @Field(key: "queries") var queries: Int
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}

    init(_ d: LookupDefinition, createdBy: String) {
        id = d.code; resourceCode = d.resourceCode; keyItemsText = d.keyItems.joined(separator: ",")
        matchKind = d.match.rawValue; returnedItemsText = d.returnedItems.joined(separator: ",")
        name = d.name; nameEn = d.nameEn; queries = 0; self.createdBy = createdBy
    }

    var code: String { id ?? "" }
    var keyItems: [String] { keyItemsText.split(separator: ",").map(String.init) }
    var returnedItems: [String] { returnedItemsText.split(separator: ",").map(String.init) }
    var match: LookupMatch { LookupMatch(rawValue: matchKind) ?? .exact }

    /// The name in the page language.
    func title(_ s: Strings) -> String { s.isEnglish ? (nameEn ?? name) : name }

    /// The definition as the API shows it.
    struct Out: Content {
        var code: String, resourceCode: String, keyItems: [String], match: String, returnedItems: [String]
        var name: String, nameEn: String?, queries: Int
    }

    var out: Out {
        Out(
            code: code, resourceCode: resourceCode, keyItems: keyItems, match: matchKind, returnedItems: returnedItems,
            name: name, nameEn: nameEn, queries: queries)
    }
}
