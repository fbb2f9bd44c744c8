import Fluent
import SQLKit

/// 033: nodes' English names (issue 15), so an English page names a peer as its data authority wrote it
/// (`Chancheng District`) rather than in Chinese: `federation_nodes.name_en` (this node and its peers)
/// and `federated_resources.origin_name_en` (a catalog entry's node, as the feed sent it). Both optional:
/// without one the Chinese name is shown.
struct AddNodeEnglishNames: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("federation_nodes").field("name_en", .string).update()
        try await db.schema("federated_resources").field("origin_name_en", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("federated_resources").deleteField("origin_name_en").update()
        try await db.schema("federation_nodes").deleteField("name_en").update()
    }
}
