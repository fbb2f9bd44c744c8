import Plot
import Vapor
import DataBankCore

/// The paths of 我的数据.
enum MyDataURL {
    static let home = "/my"
    static let signIn = "/my/sign-in"
    static let callback = "/my/callback"
    static let signOut = "/my/sign-out"
}

/// `/my`: a resident's or an enterprise's own page — the records about them that providers show,
/// and who accessed them — and its sign-in through the identity provider (authorization code flow).
enum MyDataPages {
    static func register(on app: Application) {
        let web = app.grouped(WebMiddleware())
        web.get("my", use: show).gate(.action(.readOwnData))
        web.post("my", "sign-out", use: signOut).gate(.action(.readOwnData))
        web.get("my", "objection", use: MyObjectionPage.show).gate(.action(.objectToOwnData))
        web.post("my", "objection", use: MyObjectionPage.submit).gate(.action(.objectToOwnData))
        web.get("my", "sign-in", use: signIn).gate(.open)
        web.get("my", "callback", use: callback).gate(.open)
        web.post("catalog", "resources", ":code", "subject-view", use: SubjectViewSection.submit).gate(.action(.manageSubjectViews))
    }

    static let stateKey = "subject_state", nonceKey = "subject_nonce", nextKey = "subject_next"

    /// Where the provider sends the browser back: the public URL when set, else this request's host.
    static func callbackURL(_ req: Request) -> String {
        if let base = req.application.settings.publicURL { return base + MyDataURL.callback }
        let host = req.headers.first(name: .host) ?? "127.0.0.1"
        return (req.application.settings.secureCookies ? "https://" : "http://") + host + MyDataURL.callback
    }

    /// `GET /my/sign-in`: to the provider's authorization endpoint with a fresh state and nonce (kept in the session).
    static func signIn(req: Request) async throws -> Response {
        guard let verifier = req.application.subjectVerifier, let authorize = verifier.settings.authorizeURL else {
            let s = req.strings
            return Layout.render(
                req, title: s.t("我的数据", "My data"), status: .serviceUnavailable,
                [
                    Layout.heading(s.t("我的数据", "My data")),
                    .p(.testid("my-no-idp"), .esc(s.t("本平台尚未接入统一身份认证服务。", "This platform has no identity provider configured yet.")))
                ])
        }
        let state = CSRFMiddleware.newToken(), nonce = CSRFMiddleware.newToken()
        req.session.data[stateKey] = state
        req.session.data[nonceKey] = nonce
        req.session.data[nextKey] = Forms.safeNext(FormData(query: req)["next"]) ?? MyDataURL.home
        let link = QueryLink(
            authorize,
            [
                ("response_type", "code"), ("client_id", verifier.settings.audience), ("redirect_uri", callbackURL(req)),
                ("scope", "openid"), ("state", state), ("nonce", nonce)
            ])
        return req.redirect(to: link.href)
    }

    /// `GET /my/callback?code=…&state=…`: the state must be this session's; the code's ID token is verified
    /// (with the session's nonce) and the subject signed in under a fresh session id.
    static func callback(req: Request) async throws -> Response {
        guard let verifier = req.application.subjectVerifier else { throw AppError(.serviceUnavailable, "identity_unavailable", "No identity provider") }
        let form = FormData(query: req)
        guard req.hasSession, let state = req.session.data[stateKey], form.raw("state") == state else {
            throw AppError(.forbidden, "csrf_failed", "The sign-in did not start here or has expired; sign in again")
        }
        let nonce = req.session.data[nonceKey], next = req.session.data[nextKey] ?? MyDataURL.home
        let token = try await verifier.source.idToken(forCode: form.raw("code"), redirectURI: callbackURL(req))
        let subject = try await verifier.verify(token, nonce: nonce, today: req.application.today, trail: req.application.auditTrail)
        // A fresh session id on sign-in, so an id planted before cannot ride along.
        if let old = req.session.id {
            try? await req.application.sessions.driver.deleteSession(old, for: req).get()
            req.session.id = nil
        }
        for key in [stateKey, nonceKey, nextKey] { req.session.data[key] = nil }
        SubjectSignIn.remember(subject, req)
        return Layout.seeOther(next)
    }

    static func signOut(req: Request) async throws -> Response {
        if req.hasSession { req.session.data[SubjectSignIn.sessionKey] = nil }
        return Layout.seeOther("/")
    }

    /// `GET /my`: the records about the subject, by department and resource, and who accessed them.
    static func show(req: Request) async throws -> Response {
        let subject = try req.requireSubject(.readOwnData)
        let s = req.strings
        let answer = try await MyRecords.gather(subject, req)
        let accesses = try await MyRecords.accesses(subject, req)
        let who = "\(subject.name ?? "") · \(subject.kind.label(s.isEnglish ? "en" : "zh"))"
        var content: [Body] = [
            Layout.heading(
                s.t("我的数据", "My data"), sub: who,
                .postForm(MyDataURL.signOut, csrf: req.csrfToken, [.submit(s.t("退出", "Sign out"), .cls("link-button"), .testid("my-sign-out"))])),
            .p(.cls("muted"), .esc(s.t("各部门向本人开放的、关于您的记录，按提供部门所选的规则脱敏。", "The records departments show you about yourself, masked as each provider chose.")))
        ]
        if answer.departments.isEmpty {
            content.append(.p(.testid("my-no-records"), .esc(s.t("暂无向本人开放的数据。", "No department shows records about you yet."))))
        }
        for department in answer.departments {
            var section: [Body] = [.h2(.esc(department.name))]
            for resource in department.resources {
                section.append(.el("h3", .esc(resource.name)))
                section.append(recordsTable(resource, s))
                if resource.truncated {
                    section.append(.p(.cls("muted"), .esc(s.t("仅显示前 \(MyRecords.limit) 条。", "Only the first \(MyRecords.limit) are shown."))))
                }
            }
            content.append(.section(.cls("card my-department"), .testid("my-department-\(department.code)"), .group(section)))
        }
        var looked: [Body] = [.h2(.esc(s.t("谁查看了我的数据", "Who looked at my data")))]
        if accesses.isEmpty {
            looked.append(.p(.testid("my-no-accesses"), .esc(s.t("尚无部门查询、核验或导出您的数据。", "No department has read, verified or exported your data yet."))))
        } else {
            let headers = [s.t("时间", "When"), s.t("部门", "Department"), s.t("方式", "Kind"), s.t("数据", "Data"), s.t("用途", "Purpose")]
            let rows: [[String]] = accesses.map { a in
                [
                    DisplayTime.parse(a.at).map { DisplayTime.format($0, s.isEnglish ? "en" : "zh") } ?? a.at,
                    a.departmentName ?? a.department ?? s.t("公众", "Public"), kindLabel(a.kind, s), a.resourceName ?? a.resource ?? "", a.purpose ?? ""
                ]
            }
            looked.append(labelledTable(headers, rows.map { $0.map { Body.esc($0) } }, testid: "my-accesses"))
        }
        content.append(.section(.cls("card"), .testid("my-looked"), .group(looked)))
        content.append(contentsOf: MyObjectionPage.list(try await MyObjections.list(subject, on: req.db), s))
        var banners: [Body] = []
        if req.queryValue("done") == "objection" {
            banners.append(Layout.okBanner(s.t("纠错已提交，提供部门将核实处理。", "Your objection was sent; the providing department will look into it.")))
        }
        return Layout.render(req, title: s.t("我的数据", "My data"), banners: banners, content)
    }

    /// A resource's records: a row each, on a phone a card each (every cell says its label); a 纠错 link per record.
    static func recordsTable(_ resource: MyRecords.Resource, _ s: Strings) -> Body {
        let rows: [[Body]] = resource.records.map { record in
            resource.columns.map { c in
                let value = (record.values[c.name] ?? nil) ?? ""
                guard let label = resource.codeLabels[c.name]?[value] else { return Body.esc(value) }
                return Body.group([.esc(value), .span(.cls("muted code-label"), .esc(" " + label))])
            } + [.link(MyObjectionPage.link(resource.code, record: record.ref), s.t("纠错", "Object"), .testid("my-object-\(resource.code)"))]
        }
        return labelledTable(resource.columns.map(\.label) + [""], rows, testid: "my-records-\(resource.code)")
    }

    /// A table whose cells carry their column's label (`data-label`), which a phone shows beside each value.
    static func labelledTable(_ headers: [String], _ rows: [[Body]], testid: String) -> Body {
        .div(
            .cls("table-wrap"),
            .table(
                .cls("data compact my-table"), .testid(testid),
                .thead(.tr(.group(headers.map { Node<HTML.TableRowContext>.th(.esc($0)) }))),
                .tbody(
                    .group(
                        rows.map { cells in
                            Node<HTML.TableContext>.tr(
                                .group(zip(headers, cells).map { label, cell in Node<HTML.TableRowContext>.td(.attr("data-label", label), cell) }))
                        }))))
    }

    static func kindLabel(_ kind: String, _ s: Strings) -> String {
        switch kind {
        case "read": s.t("查询", "Read")
        case "export": s.t("导出", "Export")
        case "feed": s.t("变更订阅", "Change feed")
        case "verify": s.t("核验", "Verification")
        case "joint_check": s.t("联办核验", "Joint check")
        default: s.t("其他", "Other")
        }
    }
}
