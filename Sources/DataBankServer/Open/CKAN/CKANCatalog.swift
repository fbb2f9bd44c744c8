import Fluent
import SQLKit
import Vapor
import DataBankCore

/// What a CKAN caller sees of the catalog, and the catalog in CKAN's shapes.
///
/// A signed-in caller (an API token) sees what the native API shows them. An anonymous caller sees
/// what the open portal shows: published 无条件开放 and 有条件开放 resources; 不予开放, unpublished and
/// classified resources answer exactly as names that do not exist.
enum CKANCatalog {
    /// The same rule for one resource: the catalog's for a caller with a key, the open portal's
    /// (``OpenCatalog/isOnPortal(_:)``) for an anonymous one.
    static func canSee(_ r: ResourceRow, _ call: CKANCall) -> Bool {
        call.anonymous ? OpenCatalog.isOnPortal(r) : CatalogService.canSee(r, actor: call.actor)
    }

    /// A search over what the caller sees, with CKAN's page size, on the read pool (on SQLite its
    /// statement does not queue behind the audit's or the usage meter's writes).
    static func search(_ call: CKANCall, extra: [SQLQueryString] = [], cache: MatchesCache? = nil) -> CatalogSearch {
        var search = CatalogSearch(sql: call.req.readSQL, actor: call.actor)
        search.cache = cache
        search.portal = call.anonymous
        search.extraConditions = extra
        search.maxLimit = CKANPackages.rowsMax
        return search
    }

    /// The WHERE of a listing: the catalog's visibility and the caller's conditions.
    static func visibleWhere(_ call: CKANCall) -> SQLQueryString {
        search(call).whereClauseWithoutQuery
    }

    /// The package a name or id names, if the caller may see it (else nil: exactly as unknown).
    static func package(_ nameOrID: String, _ call: CKANCall) async throws -> ResourceRow? {
        var row = try await ResourceRow.query(on: call.req.db).filter(\.$code == nameOrID).first()
        if row == nil, let id = UUID(uuidString: nameOrID) { row = try await ResourceRow.find(id, on: call.req.db) }
        guard let row, canSee(row, call) else { return nil }
        return row
    }

    // MARK: fq → SQL

    /// One translated `fq` clause as a condition over `resources` (every value bound).
    static func condition(_ clause: CKANFilterQuery.Clause) -> SQLQueryString {
        let values = clause.values
        let sql: SQLQueryString
        switch clause.field {
        case .organization:
            sql = clause.any ? "1 = 1" : "resources.department_code IN (\(binds: values))"
        case .groups:
            let bits = clause.any ? FacetKey.themeMask(Theme.allCases) : values.compactMap(CKANNames.theme(group:)).reduce(0) { $0 | FacetKey.bit($1) }
            sql = bits == 0 ? "1 = 0" : "(resources.theme_mask & \(literal: bits)) <> 0"
        case .tags:
            sql = clause.any ? tagged : hasTag(values)
        case .res_format:
            let known = clause.any || values.contains { ["CSV", "TSV", "JSON"].contains($0.uppercased()) }
            sql = known ? "EXISTS (SELECT 1 FROM record_stores WHERE record_stores.resource_code = resources.code)" : "1 = 0"
        case .license_id:
            let types = (clause.any ? ["other-open", "other-closed"] : values).flatMap(CKANNames.openTypes(license:)).map(\.rawValue)
            sql = types.isEmpty ? "1 = 0" : "resources.open_type IN (\(binds: types))"
        case .name:
            sql = clause.any ? "1 = 1" : "resources.code IN (\(binds: values))"
        case .id:
            let ids = values.compactMap(UUID.init(uuidString:))
            sql = clause.any ? "1 = 1" : ids.isEmpty ? "1 = 0" : "resources.id IN (\(binds: ids))"
        case .dataset_type:
            sql = clause.any || values.contains("dataset") ? "1 = 1" : "1 = 0"
        case .capacity:
            sql = clause.any || values.contains("public") ? "1 = 1" : "1 = 0"
        case .state:
            let active: SQLQueryString = "resources.published_revision IS NOT NULL"
            sql =
                clause.any || (values.contains("active") && values.contains("draft"))
                ? "1 = 1"
                : values.contains("active") ? active : values.contains("draft") ? "resources.published_revision IS NULL" : "1 = 0"
        case .open_type:
            sql = clause.any ? "1 = 1" : "resources.open_type IN (\(binds: values))"
        case .update_cycle:
            sql = clause.any ? "1 = 1" : "resources.update_cycle IN (\(binds: values))"
        }
        return clause.negated ? "NOT (\(sql))" : "(\(sql))"
    }

    /// Resources holding any of `tags`: a range of `idx_resource_tags_tag` per tag (``CatalogIndex`` keeps it in step).
    static func hasTag(_ tags: [String]) -> SQLQueryString {
        "resources.id IN (SELECT resource_tags.resource_id FROM resource_tags WHERE resource_tags.tag IN (\(binds: tags)))"
    }

    /// Resources with at least one tag (`tags:*`).
    static let tagged: SQLQueryString = "resources.id IN (SELECT resource_tags.resource_id FROM resource_tags)"

    // MARK: Shapes

    /// What building packages needs besides the rows: departments, stores and the site's address.
    struct Context: Sendable {
        var departments: [String: Department]
        var stores: [String: RecordStoreRow]
        var base: String
        var anonymous: Bool

        /// `departments`: those the call read already (else read here, beside the stores).
        static func load(_ call: CKANCall, codes: [String], departments known: [Department]? = nil) async throws -> Context {
            async let stores = codes.isEmpty ? [] : RecordStoreRow.query(on: call.req.db).filter(\.$resourceCode ~~ codes).all()
            let d: [Department]
            if let known { d = known } else { d = try await Department.query(on: call.req.db).all() }
            let s = try await stores
            return Context(
                departments: Dictionary(d.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a }),
                stores: Dictionary(s.map { ($0.resourceCode, $0) }, uniquingKeysWith: { a, _ in a }),
                base: CKANResponse.base(call.req), anonymous: call.anonymous)
        }
    }

    static func package(_ r: ResourceRow, _ ctx: Context) -> CKANValue {
        let s = r.catalogSnapshot
        let open = OpenType(rawValue: r.openType) ?? .closed
        let license = CKANNames.license(open)
        let org = ctx.departments[r.departmentCode].map { organization($0, packageCount: nil) } ?? .null
        let groups = (s?.themes ?? []).map(group)
        let tags = (s?.tags ?? []).map { t -> CKANValue in
            .object(["name": .string(t), "display_name": .string(t), "state": .string("active"), "vocabulary_id": .null])
        }
        var extras: [(String, String?)] = [
            ("resource_code", r.code), ("name_en", r.nameEn), ("classification", r.classification), ("catalog_kind", r.catalogKind),
            ("format", r.format), ("open_type", r.openType), ("open_type_label", open.zh), ("open_condition", s?.open.condition),
            ("sharing_type", r.sharingType), ("update_cycle", r.updateCycle),
            ("update_cycle_label", UpdateCycle(rawValue: r.updateCycle)?.zh), ("publish_date", s?.publishDate),
            ("office", s?.office), ("published_revision", r.publishedRevision.map(String.init))
        ]
        extras = extras.filter { $0.1 != nil && $0.1 != "" }
        let resources = ctx.stores[r.code].map { [resource($0, r, ctx)] } ?? []
        let object: [String: CKANValue] = [
            "id": .string(r.id?.uuidString.lowercased() ?? r.code),
            "name": .string(r.code),
            "title": .string(r.name),
            "type": .string("dataset"),
            "state": .string(CatalogService.isInCatalog(r) ? "active" : "draft"),
            "private": .bool(false),
            "notes": .string(s?.abstract ?? ""),
            "author": .null, "author_email": .null,
            "maintainer": s?.contact.map(CKANValue.string) ?? .null, "maintainer_email": .null,
            "license_id": .string(license.id), "license_title": .string(license.title), "isopen": .bool(open == .unconditional),
            // The page a person opens: the portal's for what the portal shows, else the internal catalog's.
            "url": .string(ctx.base + (OpenCatalog.isOnPortal(r) ? SiteURL.openDataset(r.code) : SiteURL.resource(r.code)).path),
            "version": r.publishedRevision.map { CKANValue.string(String($0)) } ?? .null,
            "metadata_created": CKANJSON.timestamp(r.createdAt).map(CKANValue.string) ?? .null,
            "metadata_modified": CKANJSON.timestamp(r.updatedAt).map(CKANValue.string) ?? .null,
            "owner_org": ctx.departments[r.departmentCode]?.id.map { .string($0.uuidString.lowercased()) } ?? .null,
            "organization": org,
            "groups": .list(groups),
            "tags": .list(tags), "num_tags": .number(Double(tags.count)),
            "extras": .list(extras.map { .object(["key": .string($0.0), "value": .string($0.1 ?? "")]) }),
            "resources": .list(resources), "num_resources": .number(Double(resources.count)),
            "relationships_as_object": .list([]), "relationships_as_subject": .list([])
        ]
        return .object(object)
    }

    /// The record store as a CKAN resource: datastore-active where the caller may read its rows.
    static func resource(_ store: RecordStoreRow, _ r: ResourceRow, _ ctx: Context) -> CKANValue {
        let id = store.id?.uuidString.lowercased() ?? store.resourceCode
        // Anonymous callers read rows of 无条件开放 resources only (the open portal's view).
        let readable = !ctx.anonymous || r.openType == OpenType.unconditional.rawValue
        return .object([
            "id": .string(id), "package_id": .string(r.id?.uuidString.lowercased() ?? r.code),
            "name": .string(r.name), "description": .string("\(r.name)（数据记录；/datastore/dump 提供 CSV、TSV、JSON 下载）"),
            "format": .string(CKANNames.datastoreFormat), "mimetype": .string("text/csv"),
            "url": .string(ctx.base + "/datastore/dump/" + id), "url_type": .string("datastore"),
            "datastore_active": .bool(readable), "state": .string("active"), "position": .number(0),
            "created": CKANJSON.timestamp(store.createdAt).map(CKANValue.string) ?? .null,
            "last_modified": CKANJSON.timestamp(store.lastLoadAt).map(CKANValue.string) ?? .null,
            "size": .null, "hash": .string(""), "resource_type": .null
        ])
    }

    static func organization(_ d: Department, packageCount: Int?) -> CKANValue {
        var o: [String: CKANValue] = [
            "id": .string(d.id?.uuidString.lowercased() ?? d.code), "name": .string(d.code), "title": .string(d.name),
            "display_name": .string(d.name), "description": .string(d.nameEn), "type": .string("organization"),
            "is_organization": .bool(true), "state": .string("active"), "approval_status": .string("approved"),
            "image_url": .string(""), "image_display_url": .string("")
        ]
        if let packageCount { o["package_count"] = .number(Double(packageCount)) }
        return .object(o)
    }

    static func group(_ t: Theme) -> CKANValue { group(t, packageCount: nil) }

    static func group(_ t: Theme, packageCount: Int?) -> CKANValue {
        var o: [String: CKANValue] = [
            "id": .string(CKANNames.group(t)), "name": .string(CKANNames.group(t)), "title": .string(t.zh),
            "display_name": .string(t.zh), "description": .string(t.en), "type": .string("group"),
            "is_organization": .bool(false), "state": .string("active"), "approval_status": .string("approved"),
            "image_url": .string(""), "image_display_url": .string("")
        ]
        if let packageCount { o["package_count"] = .number(Double(packageCount)) }
        return .object(o)
    }
}

extension CatalogSearch {
    /// The visibility and the extra conditions, without a query's filters (listings).
    var whereClauseWithoutQuery: SQLQueryString { ([visibility()] + extraConditions).joined(separator: " AND ") }
}
