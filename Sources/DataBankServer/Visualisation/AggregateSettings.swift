import Fluent
import Plot
import SQLKit
import Vapor
import DataBankCore

/// A resource's aggregate settings, set by its provider: k, the smallest group shown to readers who
/// see statistics instead of records (`record_stores.aggregate_min_group`, migration 023).
enum AggregateSettings {
    static let allowed = 2...1_000

    struct SettingsBody: Content {
        var resource: String?
        /// Null: the default (5).
        var minGroupSize: Int?
        var defaultMinGroupSize: Int?
    }

    /// k for a store, read fresh (a cached store row may be older than the provider's last change).
    static func minGroupSize(_ code: String, on sql: any SQLDatabase) async throws -> Int {
        guard let row = try await sql.raw("SELECT aggregate_min_group AS k FROM record_stores WHERE resource_code = \(bind: code)").first()
        else { return AggregateSuppression.defaultMinGroupSize }
        return try row.decode(column: "k", as: Int?.self) ?? AggregateSuppression.defaultMinGroupSize
    }

    /// Sets k (nil: back to the default); refuses values outside ``allowed``.
    static func set(_ code: String, to k: Int?, on sql: any SQLDatabase) async throws {
        if let k, !allowed.contains(k) {
            throw AppError.field(
                .unprocessableEntity, "invalid_min_group_size", "minGroupSize",
                zh: "最小分组记录数为 \(allowed.lowerBound)–\(allowed.upperBound)", en: "minGroupSize is \(allowed.lowerBound) to \(allowed.upperBound)")
        }
        try await sql.raw("UPDATE record_stores SET aggregate_min_group = \(bind: k) WHERE resource_code = \(bind: code)").run()
    }

    static func show(req: Request) async throws -> SettingsBody {
        let (store, _) = try await StoreReading.forAction(req, .editResource)
        return SettingsBody(
            resource: store.resourceCode, minGroupSize: try await minGroupSize(store.resourceCode, on: req.db.sql),
            defaultMinGroupSize: AggregateSuppression.defaultMinGroupSize)
    }

    static func update(req: Request) async throws -> SettingsBody {
        let (store, _) = try await StoreReading.forAction(req, .editResource)
        let body = try req.content.decode(SettingsBody.self)
        try await set(store.resourceCode, to: body.minGroupSize, on: req.db.sql)
        return SettingsBody(
            resource: store.resourceCode, minGroupSize: try await minGroupSize(store.resourceCode, on: req.db.sql),
            defaultMinGroupSize: AggregateSuppression.defaultMinGroupSize)
    }
}

// MARK: The resource page

extension AggregateSettings {
    /// The provider's form in the resource page's sharing section: k for aggregates.
    static func form(_ req: Request, store: RecordStoreRow) async throws -> Body {
        guard req.can(.editResource, department: store.departmentCode) else { return .empty }
        let s = req.strings
        let k = try await minGroupSize(store.resourceCode, on: req.db.sql)
        return .el(
            "div", .testid("aggregate-settings"),
            .h3(.esc(s.t("统计小格抑制", "Small groups in statistics"))),
            .p(
                .cls("muted"),
                .esc(
                    s.t(
                        "其他部门（按授权）和开放门户查看聚合统计时，记录数少于此值的分组显示为“<k”，且不计入合计。",
                        "Where other departments (by grant) and the open portal see aggregates, groups of fewer records show as \"<k\" and count in no total."
                    ))),
            .postForm(
                SiteURL.resource(store.resourceCode, .aggregateSettings).path, csrf: req.csrfToken,
                [
                    .el("label", .attr("for", Forms.id("min_group")), .esc(s.t("最小分组记录数 k", "Smallest group k"))),
                    .input([
                        .v("type", "number"), .v("name", "min_group"), .v("id", Forms.id("min_group")), .v("min", String(allowed.lowerBound)),
                        .v("max", String(allowed.upperBound)), .v("value", String(k))
                    ]),
                    .submit(s.t("保存", "Save"), .testid("save-min-group"))
                ]))
    }

    /// `POST /catalog/resources/{code}/aggregate-settings`: sets k, back to the resource's sharing section.
    static func submitForm(req: Request) async throws -> Response {
        let (store, _) = try await StoreReading.forAction(req, .editResource)
        let form = FormData(body: req)
        guard let k = Int(form["min_group"] ?? "") else {
            throw AppError.field(
                .unprocessableEntity, "invalid_min_group_size", "min_group", zh: "请填写 \(allowed.lowerBound)–\(allowed.upperBound) 的整数",
                en: "Enter a whole number from \(allowed.lowerBound) to \(allowed.upperBound)")
        }
        try await set(store.resourceCode, to: k, on: req.db.sql)
        return req.redirect(to: SiteURL.resource(store.resourceCode, .overview).path + "#sharing", redirectType: .normal)
    }
}
