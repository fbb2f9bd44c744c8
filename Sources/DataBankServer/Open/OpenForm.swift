import Plot
import Vapor
import DataBankCore

/// The open portal's forms: a labelled input with its inline errors, and the error from an action
/// turned into the messages a form shows again.
struct OpenForm {
    let s: Strings
    var errors: FieldErrors

    init(_ req: Request, _ error: AppError? = nil) {
        s = req.strings
        var errors = FieldErrors(error?.details ?? [])
        if let error, error.details.isEmpty { errors.add("", error.code, error.message, error.message) }
        self.errors = errors
    }

    /// A banner with the messages no input shows (or a summary when there are several).
    func banner() -> [Body] {
        guard !errors.isEmpty else { return [] }
        let head =
            errors.all.count == 1
            ? s.message(errors.all[0]) : s.t("有 \(errors.all.count) 处填写有误，请检查标出的字段", "\(errors.all.count) fields are invalid; see the marked fields")
        return [.banner("error", .p(.esc(head)), testid: "error-banner")]
    }

    func field(_ key: String, _ label: String, _ input: Body, hint: String? = nil) -> Body {
        let list = errors.errors(key)
        return .div(
            .cls("field" + (list.isEmpty ? "" : " invalid")),
            .el("label", .attr("for", Forms.id(key)), .esc(label)),
            input,
            hint.map { Body.p(.cls("hint"), .esc($0)) } ?? .empty,
            .group(list.map { Body.p(.cls("field-error"), .testid("error-\(key)"), .esc(s.message($0))) }))
    }

    /// A text-like input (`type`: text, email, password, url, date).
    func input(
        _ key: String, _ label: String, type: String = "text", value: String = "", autocomplete: String? = nil, hint: String? = nil, required: Bool = true
    )
        -> Body
    {
        field(
            key, label,
            .input([
                .v("type", type), .v("name", key), .v("id", Forms.id(key)), .v("value", type == "password" ? "" : value),
                .on("required", required), .on("aria-invalid", !errors.errors(key).isEmpty), .v("autocomplete", autocomplete ?? "off"),
                .v("data-testid", "input-\(key)")
            ]), hint: hint)
    }

    func textarea(_ key: String, _ label: String, value: String, hint: String? = nil) -> Body {
        field(key, label, .textarea(key, value, rows: 4, .testid("input-\(key)")), hint: hint)
    }
}

/// Runs a form's action; its ``AppError`` (4xx) comes back to re-show the form, anything else propagates.
func formAction<T>(_ body: () async throws -> T) async throws -> Result<T, AppError> {
    do {
        return .success(try await body())
    } catch {
        let e = AppError.from(error)
        guard e.status.code < 500, !(error is SignInThrottled) else { throw error }
        return .failure(e)
    }
}
