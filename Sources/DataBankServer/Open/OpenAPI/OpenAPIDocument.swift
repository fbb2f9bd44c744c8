import Vapor
import DataBankCore

/// `GET /openapi.json`: the native API described as OpenAPI 3.1, from ``APIOperation/all``
/// (hand-written: what each route does and takes) and the registered routes (what each asks of its
/// caller: the declared ``RouteGate`` becomes the operation's security, so the two never disagree).
/// A test fails when a route of the API is missing from the table or the table names no route.
enum OpenAPIDocument {
    /// The routes the description must cover: the native API and the platform's machine
    /// endpoints. Pages (HTML forms and views) and other teams' protocols (`/api/3`) are not in it.
    static func documents(_ route: Route) -> Bool {
        let path = route.path.string
        return path.hasPrefix("api/v1/") || machinePaths.contains(path)
    }

    static let machinePaths: Set<String> = ["healthz", "openapi.json", "metrics", "catalog.ttl", "catalog.jsonld", "catalog.rdf", "dataset/:file"]

    static func routes(_ req: Request) -> Response {
        let base = (try? PublicSite.current(req).baseURL) ?? "http://localhost"
        let res = Response(status: .ok, body: .init(string: json(routes: req.application.routes.all, baseURL: base).serialized() + "\n"))
        res.headers.replaceOrAdd(name: .contentType, value: "application/json; charset=utf-8")
        return res
    }

    static func json(routes: [Route], baseURL: String) -> OpenAPIJSON {
        var gates: [String: RouteGate] = [:]
        for r in routes { if let g = r.declaredGate { gates["\(r.method.rawValue) \(r.path.string)"] = g } }
        var paths: [(String, [(String, OpenAPIJSON)])] = []
        for op in APIOperation.all {
            let template = "/" + op.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
            let entry = (op.method.rawValue.lowercased(), operation(op, gate: gates[op.key]))
            if let i = paths.firstIndex(where: { $0.0 == template }) { paths[i].1.append(entry) } else { paths.append((template, [entry])) }
        }
        return [
            "openapi": "3.1.0",
            "info": [
                "title": "DataBank API",
                "version": "1",
                "description": .string(
                    "政务数据目录、数据交换、共享与数据质量平台的原生接口。The native API of DataBank: the government data catalog, data bus, governed sharing and data quality. Errors always take one shape (`Error`)."
                )
            ],
            "servers": [["url": .string(baseURL)]],
            "paths": .object(paths.map { ($0.0, .object($0.1)) }),
            "components": components
        ]
    }

    static func operation(_ op: APIOperation, gate: RouteGate?) -> OpenAPIJSON {
        var fields: [(String, OpenAPIJSON)] = [
            ("operationId", .string(operationID(op))), ("summary", .string(op.summary)), ("tags", [.string(op.tag)])
        ]
        var parameters: [OpenAPIJSON] = op.path.split(separator: "/").filter { $0.hasPrefix(":") }.map { p in
            ["name": .string(String(p.dropFirst())), "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]]
        }
        parameters += op.query.map { q in
            ["name": .string(q.name), "in": "query", "required": false, "description": .string(q.description), "schema": ["type": .string(q.type)]]
        }
        if !parameters.isEmpty { fields.append(("parameters", .array(parameters))) }
        if let body = op.body { fields.append(("requestBody", requestBody(body))) }
        let success: OpenAPIJSON = .object(op.produces.map { ($0, ["schema": [:]]) })
        fields.append(
            (
                "responses",
                [
                    "204": ["description": "Done; no content"],
                    "2XX": ["description": "Success", "content": success],
                    "4XX": ["$ref": "#/components/responses/Error"]
                ]
            ))
        let anonymous = gate?.admitsAnonymous ?? true
        fields.append(("security", anonymous ? [[:], ["bearerAuth": []], ["session": []]] : [["bearerAuth": []], ["session": []]]))
        if let gate { fields.append(("x-databank-gate", .string(gate.description))) }
        if op.endless { fields.append(("x-databank-streams", true)) }
        return .object(fields)
    }

    static func requestBody(_ body: APIOperation.Body) -> OpenAPIJSON {
        let text: OpenAPIJSON = ["schema": ["type": "string"]]
        let content: OpenAPIJSON =
            switch body {
            case .json: ["application/json": ["schema": ["type": "object"]]]
            case .records: ["application/json": ["schema": ["type": "array", "items": ["type": "object"]]], "text/csv": text]
            case .csv: ["text/csv": text]
            case .batch: ["application/json": ["schema": ["type": "array"]], "application/x-ndjson": text]
            }
        return ["required": true, "content": content]
    }

    /// `GET api/v1/resources/:code/records` → `getResourcesCodeRecords`.
    static func operationID(_ op: APIOperation) -> String {
        let words = op.path.replacingOccurrences(of: APIOperation.v1, with: "").split(whereSeparator: { "/.:-_".contains($0) })
        return op.method.rawValue.lowercased() + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    static let components: OpenAPIJSON = [
        "securitySchemes": [
            "bearerAuth": ["type": "http", "scheme": "bearer", "description": "An API token (`databank user token`, `POST /api/v1/tokens`)"],
            "session": ["type": "apiKey", "in": "cookie", "name": "databank_session", "description": "A signed-in browser session"]
        ],
        "responses": [
            "Error": [
                "description":
                    "A refusal: 400 bad input, 401 sign in, 403 not allowed, 404 unknown (or not visible), 409 conflict, 413 too large, 422 invalid, 429 slow down",
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]]
            ]
        ],
        "schemas": [
            "Error": [
                "type": "object", "required": ["error"],
                "properties": [
                    "error": [
                        "type": "object", "required": ["code", "message", "details"],
                        "properties": [
                            "code": ["type": "string", "description": "Stable machine-readable code"],
                            "message": ["type": "string"],
                            "details": ["type": "array", "items": ["$ref": "#/components/schemas/FieldError"]]
                        ]
                    ]
                ]
            ],
            "FieldError": [
                "type": "object", "required": ["field", "code", "message", "messageEn"],
                "properties": [
                    "field": ["type": "string"], "code": ["type": "string"],
                    "message": ["type": "string", "description": "zh-CN"], "messageEn": ["type": "string"]
                ]
            ]
        ]
    ]
}
