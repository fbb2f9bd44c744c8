/// The checks every saved service definition (a joint check, a warning rule) starts with.
enum DefinitionProblems {
    /// A code of 2–63 lower-case letters, digits and hyphens (`what`: the thing it names, in Chinese),
    /// and a name of at most 200 characters.
    static func codeAndName(code: String, name: String, what: String) -> [FieldError] {
        var out: [FieldError] = []
        if code.range(of: "^[a-z0-9][a-z0-9-]{1,62}$", options: .regularExpression) == nil {
            out.append(
                FieldError(
                    field: "code", code: "invalid_code", message: "\(what)代码为 2–63 个小写字母、数字和连字符",
                    messageEn: "code is 2–63 lower-case letters, digits and hyphens"))
        }
        if name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || name.count > 200 {
            out.append(FieldError(field: "name", code: "required", message: "请填写名称（最多 200 个字符）", messageEn: "name is required (at most 200 characters)"))
        }
        return out
    }
}
