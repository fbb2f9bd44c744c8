import Fluent
import Vapor
import DataBankCore

/// A department row. The hierarchy is by `parent_code`.
final class Department: Model, @unchecked Sendable {
    static let schema = "departments"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "name_en") var nameEn: String
    @Field(key: "level") var level: String
    @OptionalField(key: "parent_code") var parentCode: String?
    @OptionalField(key: "contact") var contact: String?
    init() {}
    init(_ d: DepartmentInfo) {
        code = d.code; name = d.name; nameEn = d.nameEn; level = d.level.rawValue; parentCode = d.parentCode; contact = d.contact
    }
    var info: DepartmentInfo {
        DepartmentInfo(
            code: code, name: name, nameEn: nameEn, level: DepartmentLevel(rawValue: level) ?? .unit,
            parentCode: parentCode, contact: contact)
    }
}

/// An information-item standard row; the code list is kept as JSON text.
final class StandardRow: Model, @unchecked Sendable {
    static let schema = "standards"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @OptionalField(key: "name_en") var nameEn: String?
    @Field(key: "definition") var definition: String
    @Field(key: "data_type") var dataType: String
    @OptionalField(key: "length") var length: Int?
    @OptionalField(key: "precision") var precision: Int?
    @OptionalField(key: "pattern") var pattern: String?
    @Field(key: "code_list") var codeList: String
    @Field(key: "semantic_kind") var semanticKind: String
    @Field(key: "sensitivity") var sensitivity: String
    @Field(key: "version") var version: String
    /// Migration `AddStandardNotFuture`.
    @OptionalField(key: "not_future") var notFuture: Bool?
    init() {}
    init(_ s: ItemStandard) {
        code = s.code; name = s.name; nameEn = s.nameEn; definition = s.definition; dataType = s.dataType.rawValue
        length = s.length; precision = s.precision; pattern = s.pattern
        codeList = JSONText.encode(s.codeList); semanticKind = s.semanticKind.rawValue
        sensitivity = s.sensitivity.rawValue; version = s.version; notFuture = s.notFuture
    }
    var standard: ItemStandard {
        ItemStandard(
            code: code, name: name, nameEn: nameEn, definition: definition, dataType: DataType(rawValue: dataType) ?? .C,
            length: length, precision: precision, pattern: pattern,
            codeList: JSONText.decode([CodeListEntry].self, codeList) ?? [],
            semanticKind: SemanticKind(rawValue: semanticKind) ?? .plain,
            sensitivity: Sensitivity(rawValue: sensitivity) ?? .internal, version: version, notFuture: notFuture == true ? true : nil)
    }
}

/// An information resource: identity, review state, optimistic-lock version, and the
/// catalog-visible content (the published revision, or the draft if never published)
/// flattened into columns for search and facets.
final class ResourceRow: Model, @unchecked Sendable {
    static let schema = "resources"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @OptionalField(key: "name_en") var nameEn: String?
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "classification") var classification: String
    @Field(key: "catalog_kind") var catalogKind: String
    @Field(key: "format") var format: String
    @Field(key: "sharing_type") var sharingType: String
    @Field(key: "open_type") var openType: String
    @Field(key: "update_cycle") var updateCycle: String
    @Field(key: "classified") var classified: Bool
    @Field(key: "item_count") var itemCount: Int
    /// The fixed facets packed (``FacetKey``) and the themes as a bit mask, for one-pass facet counts.
    @Field(key: "facet_key") var facetKey: Int
    @Field(key: "theme_mask") var themeMask: Int
    /// Lower-cased text searched by substring when a query cannot use the term index.
    @Field(key: "search_text") var searchText: String
    /// The catalog-visible snapshot as JSON.
    @Field(key: "snapshot") var snapshot: String
    @Field(key: "status") var status: String
    @OptionalField(key: "published_revision") var publishedRevision: Int?
    @Field(key: "working_revision") var workingRevision: Int
    /// Incremented on every write; a writer must name the version it read.
    @Field(key: "version") var version: Int
    @OptionalField(key: "notice_ends_at") var noticeEndsAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}

    var state: LifecycleState { LifecycleState(rawValue: status) ?? .draft }
    var catalogSnapshot: ResourceSnapshot? { JSONText.decode(ResourceSnapshot.self, snapshot) }

    /// Copies `s` into the flattened columns.
    func apply(_ s: ResourceSnapshot) {
        code = s.code; name = s.name; nameEn = s.nameEn; departmentCode = s.departmentCode
        classification = s.classification; catalogKind = s.catalogKind.rawValue; format = s.format.rawValue
        sharingType = s.sharing.type.rawValue; openType = s.open.type.rawValue; updateCycle = s.updateCycle.rawValue
        classified = s.classified; itemCount = s.items.count; snapshot = JSONText.encode(s)
        facetKey = FacetKey(s).packed; themeMask = FacetKey.themeMask(s.themes)
    }
}

/// One revision of a resource: the frozen snapshot a steward submitted.
final class RevisionRow: Model, @unchecked Sendable {
    static let schema = "resource_revisions"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_id") var resourceID: UUID
    @Field(key: "number") var number: Int
    @Field(key: "snapshot") var snapshot: String
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "author_name") var authorName: String
    @OptionalField(key: "published_at") var publishedAt: Date?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    init() {}
    init(resourceID: UUID, number: Int, snapshot: ResourceSnapshot, author: User) {
        self.resourceID = resourceID; self.number = number; self.snapshot = JSONText.encode(snapshot)
        self.authorID = author.id!; self.authorName = author.displayName
    }
    var resourceSnapshot: ResourceSnapshot? { JSONText.decode(ResourceSnapshot.self, snapshot) }
}

/// One step of the review flow: who moved which revision from where to where, and why.
final class TransitionRow: Model, @unchecked Sendable {
    static let schema = "resource_transitions"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_id") var resourceID: UUID
    @Field(key: "revision") var revision: Int
    @Field(key: "action") var action: String
    @Field(key: "from_state") var fromState: String
    @Field(key: "to_state") var toState: String
    @Field(key: "actor_id") var actorID: UUID
    @Field(key: "actor_name") var actorName: String
    @OptionalField(key: "reason") var reason: String?
    @Timestamp(key: "at", on: .create) var at: Date?
    init() {}
}

/// A comment left on a resource, typically during its public notice.
final class CommentRow: Model, @unchecked Sendable {
    static let schema = "resource_comments"
    @ID(key: .id) var id: UUID?
    @Field(key: "resource_id") var resourceID: UUID
    @Field(key: "revision") var revision: Int
    @Field(key: "author_id") var authorID: UUID
    @Field(key: "author_name") var authorName: String
    @Field(key: "body") var body: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// A yearly edition of the catalog ("2016 edition, phase 2"), freezing published revisions.
final class EditionRow: Model, @unchecked Sendable {
    static let schema = "editions"
    @ID(key: .id) var id: UUID?
    @Field(key: "slug") var slug: String
    @Field(key: "year") var year: Int
    @Field(key: "phase") var phase: Int
    @Field(key: "title") var title: String
    @Field(key: "resource_count") var resourceCount: Int
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    init() {}
}

/// JSON text columns: the same on SQLite and PostgreSQL.
enum JSONText {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
    static func decode<T: Decodable>(_ type: T.Type, _ text: String) -> T? {
        try? JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
