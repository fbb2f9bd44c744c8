import Fluent
import SQLKit

/// 002: departments, the standards library, resources with their revisions, transitions
/// and comments, editions, and the search index.
struct CreateCatalog: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("departments")
            .id()
            .field("code", .string, .required).unique(on: "code")
            .field("name", .string, .required)
            .field("name_en", .string, .required)
            .field("level", .string, .required)
            .field("parent_code", .string)
            .field("contact", .string)
            .create()
        try await db.schema("standards")
            .id()
            .field("code", .string, .required).unique(on: "code")
            .field("name", .string, .required)
            .field("name_en", .string)
            .field("definition", .string, .required)
            .field("data_type", .string, .required)
            .field("length", .int)
            .field("precision", .int)
            .field("pattern", .string)
            .field("code_list", .string, .required)
            .field("semantic_kind", .string, .required)
            .field("sensitivity", .string, .required)
            .field("version", .string, .required)
            .create()
        try await db.schema("resources")
            .id()
            .field("code", .string, .required).unique(on: "code")
            .field("name", .string, .required)
            .field("name_en", .string)
            .field("department_code", .string, .required)
            .field("classification", .string, .required)
            .field("catalog_kind", .string, .required)
            .field("format", .string, .required)
            .field("sharing_type", .string, .required)
            .field("open_type", .string, .required)
            .field("update_cycle", .string, .required)
            .field("classified", .bool, .required)
            .field("item_count", .int, .required)
            .field("search_text", .string, .required)
            .field("snapshot", .string, .required)
            .field("status", .string, .required)
            .field("published_revision", .int)
            .field("working_revision", .int, .required)
            .field("version", .int, .required)
            .field("notice_ends_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .create()
        try await db.schema("resource_revisions")
            .id()
            .field("resource_id", .uuid, .required, .references("resources", "id", onDelete: .cascade))
            .field("number", .int, .required)
            .field("snapshot", .string, .required)
            .field("author_id", .uuid, .required)
            .field("author_name", .string, .required)
            .field("published_at", .datetime)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "resource_id", "number")
            .create()
        try await db.schema("resource_transitions")
            .id()
            .field("resource_id", .uuid, .required, .references("resources", "id", onDelete: .cascade))
            .field("revision", .int, .required)
            .field("action", .string, .required)
            .field("from_state", .string, .required)
            .field("to_state", .string, .required)
            .field("actor_id", .uuid, .required)
            .field("actor_name", .string, .required)
            .field("reason", .string)
            .field("at", .datetime)
            .create()
        try await db.schema("resource_comments")
            .id()
            .field("resource_id", .uuid, .required, .references("resources", "id", onDelete: .cascade))
            .field("revision", .int, .required)
            .field("author_id", .uuid, .required)
            .field("author_name", .string, .required)
            .field("body", .string, .required)
            .field("created_at", .datetime)
            .create()
        try await db.schema("editions")
            .id()
            .field("slug", .string, .required).unique(on: "slug")
            .field("year", .int, .required)
            .field("phase", .int, .required)
            .field("title", .string, .required)
            .field("resource_count", .int, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .create()
        // Flattened, catalog-visible parts used by search, facets and "used by" counts.
        try await db.schema("resource_items")
            .field("resource_id", .uuid, .required, .references("resources", "id", onDelete: .cascade))
            .field("position", .int, .required)
            .field("name", .string, .required)
            .field("column_name", .string, .required)
            .field("standard_code", .string, .required)
            .unique(on: "resource_id", "position")
            .create()
        try await db.schema("resource_themes")
            .field("resource_id", .uuid, .required, .references("resources", "id", onDelete: .cascade))
            .field("theme", .string, .required)
            .unique(on: "resource_id", "theme")
            .create()
        try await db.schema("edition_entries")
            .field("edition_id", .uuid, .required, .references("editions", "id", onDelete: .cascade))
            .field("resource_id", .uuid, .required)
            .field("resource_code", .string, .required)
            .field("revision", .int, .required)
            .unique(on: "edition_id", "resource_id")
            .create()
        try await db.schema("search_terms")
            .field("term", .string, .required)
            .field("resource_id", .uuid, .required, .references("resources", "id", onDelete: .cascade))
            .unique(on: "term", "resource_id")
            .create()
        guard let sql = db as? any SQLDatabase else { return }
        for (name, table, columns) in Self.indexes {
            var builder = sql.create(index: name).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    static let indexes: [(String, String, [String])] = [
        ("idx_resources_department", "resources", ["department_code"]),
        ("idx_resources_status", "resources", ["status"]),
        ("idx_items_standard", "resource_items", ["standard_code"]),
        ("idx_themes_theme", "resource_themes", ["theme"]),
        ("idx_search_resource", "search_terms", ["resource_id"]),
        ("idx_revisions_resource", "resource_revisions", ["resource_id"]),
        ("idx_transitions_resource", "resource_transitions", ["resource_id"]),
        ("idx_comments_resource", "resource_comments", ["resource_id"])
    ]

    func revert(on db: any Database) async throws {
        for table in [
            "search_terms", "edition_entries", "resource_themes", "resource_items", "editions",
            "resource_comments", "resource_transitions", "resource_revisions", "resources",
            "standards", "departments"
        ] {
            try await db.schema(table).delete()
        }
    }
}
