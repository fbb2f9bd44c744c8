import Fluent
import SQLKit

/// 022: a resource's tags as rows (`resource_tags`: resource, tag), kept in step by
/// ``CatalogIndex/reindex(_:on:fresh:withTags:)`` with the catalog-visible snapshot, so CKAN's
/// `tags` facet, `fq=tags:…` and `tag_list` read an index instead of parsing every snapshot's JSON
/// (at 50,000 resources that parse was ~600 ms of a broad `package_search`). Back-filled here
/// from the snapshots already stored.
struct CreateResourceTags: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("resource_tags")
            .field("resource_id", .uuid, .required, .references("resources", "id", onDelete: .cascade))
            .field("tag", .string, .required)
            .compositeIdentifier(over: "resource_id", "tag")
            .create()
        let sql = db.sql
        // Resources by tag (filters, tag_list); the primary key serves tags by resource (the facet).
        try await sql.create(index: "idx_resource_tags_tag").on("resource_tags").column("tag").column("resource_id").run()
        switch RecordTables.Dialect(sql) {
        case .sqlite:
            try await sql.raw(
                """
                INSERT INTO resource_tags (resource_id, tag)
                SELECT DISTINCT resources.id, t.value FROM resources CROSS JOIN json_each(resources.snapshot, '$.tags') AS t
                WHERE t.type = 'text'
                """
            ).run()
        case .postgres:
            try await sql.raw(
                """
                INSERT INTO resource_tags (resource_id, tag)
                SELECT DISTINCT resources.id, t.tag FROM resources
                CROSS JOIN LATERAL jsonb_array_elements_text(COALESCE(resources.snapshot::jsonb -> 'tags', '[]'::jsonb)) AS t(tag)
                """
            ).run()
        }
    }

    func revert(on db: any Database) async throws {
        try await db.schema("resource_tags").delete()
    }
}
