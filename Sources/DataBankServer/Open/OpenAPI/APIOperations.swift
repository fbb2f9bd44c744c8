import Vapor

/// One documented operation of the native API: the route's method and path pattern as registered
/// (`api/v1/resources/:code`), what it does, the query parameters a client may send, its body.
/// Security is not written here: ``OpenAPIDocument`` derives it from the route's declared gate.
struct APIOperation: Sendable {
    enum Body: Sendable {
        /// A JSON object.
        case json
        /// Records: CSV, JSON or NDJSON (or .xlsx), streamed.
        case records
        /// A file to validate against a resource (CSV).
        case csv
        /// Verification inputs, one JSON array or NDJSON, streamed.
        case batch
    }

    var method: HTTPMethod
    var path: String
    var tag: String
    var summary: String
    var query: [APIParameter] = []
    var body: Body? = nil
    /// Media types of a successful answer.
    var produces: [String] = ["application/json"]
    /// Left out of generated-request fuzzing: answers that stream without end (SSE).
    var endless = false

    var key: String { "\(method.rawValue) \(path)" }
}

/// A query parameter.
struct APIParameter: Sendable {
    var name: String
    var type: String = "string"
    var description: String

    static let limit = APIParameter(name: "limit", type: "integer", description: "Items per page")
    static let offset = APIParameter(name: "offset", type: "integer", description: "Items to skip")
    static let purpose = APIParameter(name: "purpose", description: "Why the data is read (用途), required for reads of another department's data")
}

extension APIOperation {
    static let v1 = "api/v1/"
    static func get(_ path: String, _ tag: String, _ summary: String, query: [APIParameter] = [], produces: [String] = ["application/json"])
        -> APIOperation
    { APIOperation(method: .GET, path: v1 + path, tag: tag, summary: summary, query: query, produces: produces) }
    static func post(_ path: String, _ tag: String, _ summary: String, body: Body? = .json, query: [APIParameter] = []) -> APIOperation {
        APIOperation(method: .POST, path: v1 + path, tag: tag, summary: summary, query: query, body: body)
    }
    static func put(_ path: String, _ tag: String, _ summary: String) -> APIOperation {
        APIOperation(method: .PUT, path: v1 + path, tag: tag, summary: summary, body: .json)
    }
    static func patch(_ path: String, _ tag: String, _ summary: String) -> APIOperation {
        APIOperation(method: .PATCH, path: v1 + path, tag: tag, summary: summary, body: .json)
    }
    static func delete(_ path: String, _ tag: String, _ summary: String) -> APIOperation {
        APIOperation(method: .DELETE, path: v1 + path, tag: tag, summary: summary)
    }

    static let search: [APIParameter] =
        ["q", "department", "classification", "theme", "sharing", "open", "cycle", "format", "kind", "status", "sort"].map {
            APIParameter(name: $0, description: "Search filter `\($0)`")
        } + [.limit, .offset]
    static let records: [APIParameter] = [
        .init(name: "format", description: "json (default), ndjson, csv or xlsx"), .init(name: "limit", description: "Rows per page, or `all`"),
        .init(name: "after", description: "Cursor from the previous page"), .init(name: "fields", description: "Comma-separated columns"),
        .init(name: "sort", description: "Column, `-column` descending"), .purpose
    ]

    static let aggregate: [APIParameter] = [
        .init(name: "group", description: "One or two items, a date item as `item:day|week|month|quarter|year`"),
        .init(name: "measures", description: "count, count_distinct(item), sum(item), avg(item), min(item), max(item), median(item), p90(item)"),
        .init(name: "sort", description: "A group or a measure, `-` descending (`-count`)"),
        .init(name: "top", type: "integer", description: "Keep N groups, fold the rest into one other row"),
        .init(name: "format", description: "json (default) or csv"), .purpose
    ]

    /// Every operation: those below, and 我的数据's (``myData``).
    static let all = operations + myData

    /// Every operation of the native API (`/api/v1`) and the platform's machine endpoints.
    static let operations: [APIOperation] = [
        // Catalog
        get("resources", "Catalog", "Search the catalog (facets, paging)", query: search),
        post("resources", "Catalog", "Register a resource (a draft)"),
        get("resources/:code", "Catalog", "One resource"),
        put("resources/:code", "Catalog", "Edit a resource (optimistic lock: version)"),
        post("resources/:code/transitions", "Catalog", "Submit, approve, reject, publish, request a change, retire, withdraw"),
        get("resources/:code/transitions", "Catalog", "The resource's lifecycle history"),
        get("resources/:code/revisions", "Catalog", "The resource's revisions"),
        get("resources/:code/revisions/:number", "Catalog", "One revision"),
        get(
            "resources/:code/diff", "Catalog", "What changed between two revisions",
            query: [.init(name: "from", type: "integer", description: "Revision"), .init(name: "to", type: "integer", description: "Revision")]),
        get("resources/:code/comments", "Catalog", "Review comments"),
        post("resources/:code/comments", "Catalog", "Add a review comment"),
        get("reviews", "Catalog", "The review queue"),
        get("editions", "Catalog", "Catalog editions"),
        post("editions", "Catalog", "Freeze the catalog as an edition"),
        get("editions/:slug", "Catalog", "One edition"),
        get("editions/:slug/diff/:other", "Catalog", "What changed between two editions"),
        // Directory
        get("departments", "Directory", "Departments"),
        get("departments/:code", "Directory", "One department"),
        get("standards", "Directory", "Information-item standards", query: [.init(name: "q", description: "Search text"), .limit, .offset]),
        post("standards", "Directory", "Add a standard"),
        get("standards/:code", "Directory", "One standard"),
        patch("standards/:code", "Directory", "Change a standard"),
        // Accounts
        get("me", "Accounts", "Who is signed in"),
        get("tokens", "Accounts", "The caller's API tokens"),
        post("tokens", "Accounts", "Issue an API token"),
        delete("tokens/:id", "Accounts", "Revoke an API token"),
        // Records (data bus)
        post(
            "resources/:code/records", "Records", "Load records (CSV, JSON, NDJSON, .xlsx; mode=upsert|insert|replace)", body: .records,
            query: [
                .init(name: "mode", description: "upsert, insert or replace"), .init(name: "format", description: "csv, json, ndjson or xlsx"),
                .init(name: "encoding", description: "utf-8 or gb18030")
            ]),
        get(
            "resources/:code/records", "Records", "Query records (filters, keyset paging, exports)", query: records,
            produces: ["application/json", "text/csv", "application/x-ndjson"]),
        get("resources/:code/records/:key", "Records", "One record by key", query: [.purpose]),
        delete("resources/:code/records/:key", "Records", "Delete one record"),
        get(
            "resources/:code/changes", "Records", "The change feed, from a position",
            query: [.init(name: "after", type: "integer", description: "Position"), .limit, .purpose]),
        APIOperation(
            method: .GET, path: v1 + "resources/:code/changes/stream", tag: "Records", summary: "The change feed as server-sent events",
            query: [.init(name: "after", type: "integer", description: "Position"), .purpose], produces: ["text/event-stream"], endless: true),
        get("resources/:code/latest", "Records", "The latest report of each key (streams)", query: [.purpose]),
        patch("resources/:code/store", "Records", "Stream store settings (retention)"),
        get(
            "resources/:code/quarantine", "Records", "Quarantined rows",
            query: [.init(name: "load", description: "Load id"), .init(name: "status", description: "open, resubmitted or discarded"), .limit, .offset]),
        post("resources/:code/quarantine/resubmit", "Records", "Resubmit corrected quarantined rows"),
        post("resources/:code/quarantine/:id/discard", "Records", "Discard a quarantined row", body: nil),
        get("resources/:code/loads", "Records", "Loads of the store", query: [.limit, .offset]),
        get("resources/:code/subscriptions", "Records", "Webhook subscriptions to the store"),
        post("resources/:code/subscriptions", "Records", "Subscribe a webhook"),
        get("subscriptions/:id", "Records", "One subscription"),
        post("subscriptions/:id/resume", "Records", "Resume a paused subscription", body: nil),
        delete("subscriptions/:id", "Records", "Remove a subscription"),
        get("stats/exchange", "Records", "Records in and out per resource, department and day"),
        // Visualisation
        get(
            "resources/:code/aggregate", "Visualisation", "Aggregate the records: groups, measures, filters, top N (JSON or CSV)", query: aggregate,
            produces: ["application/json", "text/csv"]),
        get("resources/:code/aggregate/settings", "Visualisation", "The resource's aggregate settings (k: the smallest group shown to grants)"),
        put("resources/:code/aggregate/settings", "Visualisation", "Set k, the smallest group shown to grants and the open portal"),
        get("resources/:code/aggregate/rollups", "Visualisation", "The resource's rollups: aggregates kept up to date as records change"),
        post("resources/:code/aggregate/rollups", "Visualisation", "Register a rollup (group, measures, filters) and build it"),
        delete("resources/:code/aggregate/rollups/:id", "Visualisation", "Remove a rollup"),
        post("resources/:code/aggregate/rollups/:id/rebuild", "Visualisation", "Rebuild a rollup from the records", body: nil),
        get("connectors", "Connectors", "Connectors the caller may read", query: [.init(name: "resource", description: "Only connectors of this resource")]),
        post("connectors", "Connectors", "Create a connector: a scheduled pull from a department's database or watched folder"),
        post("connectors/test", "Connectors", "The first rows a connector's source gives, mapped to items; nothing saved"),
        get("connectors/:connector", "Connectors", "One connector (its secret never shown)"),
        put("connectors/:connector", "Connectors", "Change a connector (absent fields unchanged; an empty password removes it)"),
        delete("connectors/:connector", "Connectors", "Delete a connector and its history"),
        post("connectors/:connector/test", "Connectors", "The first rows the saved connector's source gives; nothing saved", body: nil),
        post("connectors/:connector/run", "Connectors", "Run a connector now; answers its history row", body: nil),
        get("connectors/:connector/runs", "Connectors", "A connector's runs, newest first", query: [.limit]),
        get("federation/node", "Federation", "This node's identity: code, name, region and the Ed25519 public key peers register"),
        put("federation/node", "Federation", "Name this node (code, name, English name, region code)"),
        post("federation/node/rotate-key", "Federation", "Derive a new key pair for this node; peers then register its new public key", body: nil),
        get("federation/peers", "Federation", "The peer nodes registered here (parent and children)"),
        post("federation/peers", "Federation", "Register a peer node: code, name, region, relation, base URL, public key"),
        delete("federation/peers/:code", "Federation", "Remove a peer node (the catalog entries that came through it are retired)"),
        put("federation/peers/:code/key", "Federation", "Register a peer's new public key, after it rotated its key"),
        post("federation/peers/:code/pull", "Federation", "Pull a child's catalog now (changes since the kept cursor)", body: nil),
        get(
            "federation/catalog", "Federation", "A signed request from this node's parent: the catalog's changes after a cursor",
            query: [.init(name: "after", description: "The cursor of the previous page"), .limit]),
        get(
            "federation/catalog/search", "Federation", "Catalog entries from nodes below, by words (Chinese unspaced)",
            query: [.init(name: "q", description: "Words"), .init(name: "status", description: "all: retired entries too"), .limit]),
        get("federation/catalog/:origin/:code", "Federation", "One catalog entry from a node below, with its items"),
        get("federation/ping", "Federation", "A signed node request (DataBank-Node, -Timestamp, -Nonce, -Signature): answers who it was checked as"),
        post("federation/applications", "Federation", "Apply for a resource of a peer node (filed there, or queued when it does not answer)"),
        get("federation/applications", "Federation", "The department's applications at peer nodes"),
        get("federation/applications/:id", "Federation", "One application at a peer node, with the decision as last learned"),
        post("federation/applications/:id/sync", "Federation", "Deliver a queued application, or ask the owner for the decision now", body: nil),
        post("federation/peer/applications", "Federation", "A signed peer node files an application of one of its departments"),
        get("federation/peer/applications/:ref", "Federation", "A signed peer node asks for the state of an application it filed"),
        get(
            "federation/peer/records/:code/changes", "Federation", "A signed peer node reads the change feed under its department's grant",
            query: [
                .init(name: "department", description: "The consumer department at the peer"),
                .init(name: "after", description: "The cursor (node:resource:seq) of the previous page"), .limit
            ]),
        get("charts", "Visualisation", "Saved charts the caller may see", query: [.init(name: "resource", description: "Only charts of this resource")]),
        post("charts", "Visualisation", "Save a chart (checked by computing it as the caller)"),
        get("charts/:id", "Visualisation", "One saved chart's spec"),
        put("charts/:id", "Visualisation", "Change a saved chart"),
        delete("charts/:id", "Visualisation", "Delete a saved chart (and its dashboard tiles)"),
        get("charts/:id/data", "Visualisation", "The chart's aggregate, read as the caller (JSON)"),
        get("charts/:id/data.csv", "Visualisation", "The chart's aggregate, read as the caller (CSV)", produces: ["text/csv"]),
        get("charts/:id/chart.svg", "Visualisation", "The chart drawn as SVG, read as the caller", produces: ["image/svg+xml"]),
        get("charts/:id/chart.png", "Visualisation", "The chart drawn as PNG, read as the caller", produces: ["image/png"]),
        get("dashboards", "Visualisation", "Dashboards the caller may see"),
        post("dashboards", "Visualisation", "Create a dashboard"),
        get("dashboards/:id", "Visualisation", "One dashboard with its tiles"),
        put("dashboards/:id", "Visualisation", "Change a dashboard's settings and tiles"),
        delete("dashboards/:id", "Visualisation", "Delete a dashboard"),
        // Evaluation
        get(
            "heat", "Evaluation", "Heat of every resource the caller sees: counts, score, percentile, `core` for the 80/20 set",
            query: [.init(name: "period", description: "1d, 7d, 30d (default) or 365d")]),
        get(
            "resources/:code/heat", "Evaluation", "One resource's heat: every period's figures and a year of daily facts",
            query: [.init(name: "period", description: "1d, 7d, 30d (default) or 365d")]),
        // Quality
        get("resources/:code/rules", "Quality", "Quality rules (derived and written)"),
        post("resources/:code/rules", "Quality", "Add a written rule"),
        delete("resources/:code/rules/:id", "Quality", "Remove a written rule"),
        get("resources/:code/quality", "Quality", "Quality summary and scores"),
        post("resources/:code/quality/check", "Quality", "Run a full quality check", body: nil),
        put("resources/:code/quality/policy", "Quality", "Ingest policy (quarantine, flag, reject)"),
        get("resources/:code/quality/runs", "Quality", "Quality runs", query: [.limit, .offset, .init(name: "format", description: "json or csv")]),
        get("resources/:code/quality/runs/:id", "Quality", "One quality run"),
        get("resources/:code/quality/flags", "Quality", "Flagged records"),
        post("resources/:code/validate", "Quality", "Validate a file against the resource without loading it", body: .csv),
        get("quality/departments", "Quality", "Quality roll-up by department"),
        get("departments/:code/quality", "Quality", "One department's quality"),
        get("resources/:code/profile", "Quality", "The store's profile", query: [.purpose]),
        post("resources/:code/profile", "Quality", "Profile the store now", body: nil),
        get("resources/:code/schema.json", "Quality", "The resource as a Frictionless Table Schema"),
        get("resources/:code/datapackage.json", "Quality", "A Frictionless Data Package descriptor"),
        get(
            "resources/:code/datapackage.zip", "Quality", "The Data Package with its CSV (under the reader's grant)", query: [.purpose],
            produces: ["application/zip"]),
        post(
            "resources/:code/schema", "Quality", "Check a Table Schema against the resource, or apply it",
            query: [.init(name: "mode", description: "check or apply")]),
        post("resources/from-tableschema", "Quality", "Register a draft from a Table Schema"),
        post("resources/:code/objections", "Quality", "Flag a record or value as wrong (数据纠错)"),
        get("resources/:code/objections", "Quality", "Objections to the resource's records"),
        get("resources/:code/objections/counts", "Quality", "Open objections per record"),
        get("objections", "Quality", "Objections the caller raised or must answer"),
        get("objections/:id", "Quality", "One objection"),
        post("objections/:id/accept", "Quality", "Accept an objection (correct the value)"),
        post("objections/:id/reject", "Quality", "Reject an objection (reason)"),
        post("objections/:id/withdraw", "Quality", "Withdraw one's objection", body: nil),
        // Evaluation: the demand registry (需求登记)
        get(
            "demands", "Evaluation", "Data demands (state, provider, theme, mine, toMe, overdue filters)",
            query: [
                .init(name: "state", description: "pending, accepted, fulfilled or declined"),
                .init(name: "provider", description: "a department code, or none (unassigned)"), .init(name: "theme", description: "a theme"),
                .init(name: "mine", description: "1: registered by my department"), .init(name: "toMe", description: "1: routed to my department"),
                .init(name: "overdue", description: "1: pending past the due day")
            ]),
        post("demands", "Evaluation", "Register a data demand (suggests resources that may already answer it)"),
        get("demands/counts", "Evaluation", "Demands per provider and per theme, met and unmet"),
        get("demands/gaps", "Evaluation", "Demanded but not met (data authority)", query: [.init(name: "provider", description: "a department code")]),
        get("demands/suggestions", "Evaluation", "Resources that may already answer a need", query: [.init(name: "q", description: "the need in words")]),
        get("demands/:id", "Evaluation", "One demand with its history and votes"),
        post("demands/:id/accept", "Evaluation", "Accept a demand (provider)"),
        post("demands/:id/fulfil", "Evaluation", "Mark a demand met by a resource or a grant (provider)"),
        post("demands/:id/decline", "Evaluation", "Say a demand cannot be met, with the reason (provider)"),
        post("demands/:id/assign", "Evaluation", "Route a demand to a provider (data authority)"),
        post("demands/:id/vote", "Evaluation", "We need it too (another department)"),
        // Evaluation: department performance evaluation (绩效评估)
        get("evaluation/schemes", "Evaluation", "Evaluation schemes: indicators, formulas over platform facts, weights, unit types"),
        post("evaluation/schemes", "Evaluation", "Create an evaluation scheme (weights add up to 100; formulas compiled)"),
        get("evaluation/schemes/:code", "Evaluation", "One evaluation scheme"),
        put("evaluation/schemes/:code", "Evaluation", "Replace an evaluation scheme (runs keep the copy they were computed with)"),
        get("evaluation/runs", "Evaluation", "Evaluation runs, newest first"),
        post("evaluation/runs", "Evaluation", "Evaluate a period (YYYY, YYYY-Qn, YYYY-MM) for every unit: scores and ranks"),
        get("evaluation/runs/:id", "Evaluation", "A run's ranking by unit type (a department sees its own unit)"),
        post("evaluation/runs/:id/freeze", "Evaluation", "Freeze a run as its period's report", body: nil),
        get("evaluation/runs/:id/units/:department", "Evaluation", "One unit's report: scores, rank, trend and each indicator's evidence"),
        post("evaluation/runs/:id/units/:department/adjustments", "Evaluation", "Expert adjustment of one indicator, with its reason"),
        get(
            "evaluation/runs/:id/units/:department/report.xlsx", "Evaluation", "One unit's report as XLSX",
            produces: ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]),
        get("evaluation/runs/:id/units/:department/report.pdf", "Evaluation", "One unit's report as PDF (headless Chromium)", produces: ["application/pdf"]),
        // Sharing
        post("applications", "Sharing", "Apply for access to a resource"),
        get("applications", "Sharing", "Applications the caller made or reviews"),
        get("applications/:id", "Sharing", "One application"),
        post("applications/:id/decision", "Sharing", "Approve or refuse an application"),
        post("applications/:id/countersign", "Sharing", "Countersign (the data authority)"),
        post("applications/:id/escalate", "Sharing", "Escalate an overdue application", body: nil),
        post("applications/:id/withdraw", "Sharing", "Withdraw an application", body: nil),
        get("grants", "Sharing", "Grants held or given"),
        post("grants/:id/revoke", "Sharing", "Revoke a grant"),
        get("inbox", "Sharing", "The caller's notifications"),
        post("notifications/read", "Sharing", "Mark notifications read", body: nil),
        post("apps", "Sharing", "Register an app (its token is bound to its grants)"),
        get("apps", "Sharing", "The department's apps"),
        delete("apps/:id", "Sharing", "Revoke an app"),
        // Verification services
        post("resources/:code/services", "Verification", "Define a verification service over the store"),
        get("services", "Verification", "Verification services"),
        get("services/:service", "Verification", "One verification service"),
        post("verify/:service", "Verification", "Verify one input (yes/no or a masked answer)"),
        post("verify/:service/batch", "Verification", "Verify many inputs (JSON array or NDJSON)", body: .batch),
        get("joint-checks", "Joint checks", "The joint checks (一件事联办) in use, each with its services and their providers"),
        post("joint-checks", "Joint checks", "Save a joint check: an applicant form, up to 16 verification services, all-pass or points"),
        get("joint-checks/:code", "Joint checks", "One joint check"),
        post("joint-checks/:code", "Joint checks", "Run a joint check for an applicant: every service asked in parallel under the caller's own grants"),
        post(
            "joint-checks/:code/batch", "Joint checks",
            "Run a joint check for up to 100,000 applicants (CSV with the form's field names, or NDJSON; `?purpose=` required): answers stream as NDJSON, or CSV with `?format=csv`",
            body: .batch, query: [.purpose, .init(name: "format", description: "ndjson (default) or csv")]),
        get("warning-rules", "Warnings", "The warning rules (预警规则) the caller's department set up or subscribes to"),
        post(
            "warning-rules", "Warnings",
            "Save a warning rule: a condition in the quality rules' language with prev/avg_prior/…/listed_in, watched on the store's change log"),
        get("warning-rules/:code", "Warnings", "One warning rule"),
        delete("warning-rules/:code", "Warnings", "Retire a warning rule (its warnings stay)"),
        get(
            "warnings", "Warnings", "The caller's departments' warnings, newest first, each value through the caller's own view of the store",
            query: [
                .init(name: "state", description: "open, acknowledged, assigned, closed, active (not closed) or all (the default)"),
                .init(name: "rule", description: "one rule's code"), .init(name: "before", description: "warnings numbered below this (paging)"),
                .init(name: "limit", description: "1 to 200 (50)")
            ]),
        get("warnings/:id", "Warnings", "One warning with what was done with it"),
        post("warnings/:id/ack", "Warnings", "Acknowledge an open warning"),
        post("warnings/:id/assign", "Warnings", "Assign a warning to a user of a subscribing department (`to`)"),
        post("warnings/:id/close", "Warnings", "Close a warning with a note on how it was handled"),
        get("warning-hook", "Warnings", "The caller's department's webhook for its warnings"),
        put("warning-hook", "Warnings", "Set the department's warning webhook (`url`); answers the signing secret once"),
        delete("warning-hook", "Warnings", "Remove the department's warning webhook"),
        // The open portal's data (anonymous; what the public may read, under the default masks)
        get(
            "open/datasets/:code/:file", "Open data",
            "Every record of an open dataset: `data.csv` (`?bom=true` for Excel), `data.json`, `data.ndjson`, `data.xlsx`",
            query: [.init(name: "bom", type: "boolean", description: "CSV only: start with a UTF-8 byte-order mark")],
            produces: ["text/csv", "application/json", "application/x-ndjson", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]),
        get(
            "open/datasets/:code/preview", "Open data", "The dataset's preview page (first 100 records, 20 a page)",
            query: [
                .init(name: "page", type: "integer", description: "1–5"),
                .init(name: "sort", description: "An item (`-item` descending)"),
                .init(name: "column", description: "An item shown in clear to filter on"),
                .init(name: "value", description: "The filter's value")
            ]),
        // Real-time open data
        get("open/streams/:code/latest", "Open data", "A real-time stream's newest report per entity (masked as the portal masks)"),
        APIOperation(
            method: .GET, path: v1 + "open/streams/:code/events", tag: "Open data",
            summary: "A real-time stream's new reports as server-sent events (Last-Event-ID or `after` resumes)",
            query: [.init(name: "after", type: "integer", description: "Position")], produces: ["text/event-stream"], endless: true),
        // Public disclosure look-ups (信用公示)
        get("open/lookups", "Open data", "The look-up services anyone may query"),
        get(
            "open/lookups/:service", "Open data", "Query a look-up service (at most 20 hits, masked as the portal masks)",
            query: [.init(name: "q", description: "The key: a credit code, or the start of a name (≤ 50 characters)")]),
        get("open/credit/:creditCode", "Open data", "One enterprise's records across every disclosure class"),
        get("lookups", "Open data", "Look-up services with their query counts"),
        post("lookups", "Open data", "Define a look-up service on an open dataset (its provider or the data authority)"),
        delete("lookups/:service", "Open data", "Remove a look-up service"),
        // Registered users of the open portal
        post("signup", "Open data", "Sign up (username, password, email); confirmed by mail or by the platform admin"),
        post("me/password", "Accounts", "Change one's password (the current one required)"),
        get("signups", "Open data", "Sign-ups awaiting confirmation (the platform admin)"),
        post("signups/:id/confirm", "Open data", "Confirm a sign-up (the platform admin)", body: nil),
        get("developer-keys", "Open data", "Developer keys with owner, last use, calls today and limits (the platform admin)"),
        patch("developer-keys/:id", "Open data", "Set a developer key's ratePerMinute and dailyQuota (the platform admin)"),
        post("developer-keys/:id/revoke", "Open data", "Revoke a developer key (the platform admin)", body: nil),
        get("developer/usage", "Open data", "The caller's API calls per day and dataset, with the key's limits"),
        get("developer/applications", "Open data", "The caller's applications for conditionally open data"),
        post("developer/applications/:id/withdraw", "Open data", "Withdraw one's undecided application", body: nil),
        post("datasets/:code/applications", "Open data", "Apply to use a conditionally open dataset (有条件开放)"),
        post("datasets/:code/feedback", "Open data", "Report an error in a dataset or ask for more data (to its provider)"),
        get("reuses", "Open data", "Approved reuses (apps built on open data)"),
        post("reuses", "Open data", "Submit a reuse (approved by the platform admin before it appears)"),
        post("reuses/:id/decision", "Open data", "Approve or turn down a reuse (the platform admin)"),
        // The platform's machine endpoints
        APIOperation(method: .GET, path: "healthz", tag: "Platform", summary: "Health: the database answers"),
        APIOperation(method: .GET, path: "openapi.json", tag: "Platform", summary: "This description (OpenAPI 3.1)"),
        APIOperation(
            method: .GET, path: "metrics", tag: "Platform", summary: "Prometheus metrics (the platform admin, or from this machine)",
            produces: ["text/plain"]),
        APIOperation(
            method: .GET, path: "catalog.ttl", tag: "Open data", summary: "The open catalog, DCAT-AP 3.0.1 in Turtle (Hydra paging)",
            query: dcatPaging, produces: ["text/turtle"]),
        APIOperation(
            method: .GET, path: "catalog.jsonld", tag: "Open data", summary: "The open catalog, DCAT-AP 3.0.1 in JSON-LD (Hydra paging)",
            query: dcatPaging, produces: ["application/ld+json"]),
        APIOperation(
            method: .GET, path: "catalog.rdf", tag: "Open data", summary: "The open catalog, DCAT-AP 3.0.1 in RDF/XML (Hydra paging)",
            query: dcatPaging, produces: ["application/rdf+xml"]),
        APIOperation(
            method: .GET, path: "dataset/:file", tag: "Open data",
            summary: "One open dataset in DCAT-AP 3.0.1: `{code}.ttl`, `{code}.jsonld` or `{code}.rdf`",
            produces: ["text/turtle", "application/ld+json", "application/rdf+xml"])
    ]

    static let dcatPaging: [APIParameter] = [
        .init(name: "page", type: "integer", description: "Page number, from 1"),
        .init(name: "per_page", type: "integer", description: "Datasets per page, 1–500 (default 100)")
    ]
}
