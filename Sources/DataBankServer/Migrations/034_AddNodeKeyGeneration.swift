import Fluent

/// 034: node key rotation (issue 15): `federation_nodes.key_generation`, on this node's own row, the
/// generation its signing key is derived for (none: the first, the key every node had before). Rotating
/// moves it on; the peers register the new public key (`databank node set-key`).
struct AddNodeKeyGeneration: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("federation_nodes").field("key_generation", .int).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("federation_nodes").deleteField("key_generation").update()
    }
}
