import Foundation

/// The rules of public sign-up (a citizen or developer registering on the open data portal): what a
/// username, an e-mail address and a password must be. Pure; the server stores and mails.
public enum PublicSignup {
    public static let usernameLength = 3...32
    public static let emailMaxLength = 254
    public static let passwordMinLength = 8
    /// bcrypt reads at most 72 bytes: a longer password would be silently cut.
    public static let passwordMaxBytes = 72

    /// Every problem with a sign-up, each with its field (empty: it may be stored).
    public static func problems(username: String, email: String, password: String) -> [FieldError] {
        var problems: [FieldError] = []
        if let p = usernameProblem(username) { problems.append(p) }
        if let p = emailProblem(email) { problems.append(p) }
        if let p = passwordProblem(password, username: username) { problems.append(p) }
        return problems
    }

    /// Lower-case letters, digits, `.`, `_` and `-`, starting with a letter: a name that reads the same
    /// everywhere it is shown and cannot pass for someone else's in another script.
    public static func usernameProblem(_ name: String) -> FieldError? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789._-")
        guard usernameLength.contains(name.count), name.allSatisfy({ allowed.contains($0) }), name.first?.isLetter == true else {
            return FieldError(
                field: "username", code: "invalid_username",
                message: "用户名为 3–32 个小写字母、数字或 . _ -，以字母开头",
                messageEn: "A username is 3–32 lower-case letters, digits or . _ -, starting with a letter")
        }
        return nil
    }

    public static func emailProblem(_ email: String) -> FieldError? {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        let valid =
            email.count <= emailMaxLength && parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !parts[1].hasPrefix(".") && !parts[1].hasSuffix(".")
            && email.unicodeScalars.allSatisfy { $0.value > 0x20 && $0.value != 0x7F && !"<>,;\"()[]\\".unicodeScalars.contains($0) }
        return valid
            ? nil
            : FieldError(field: "email", code: "invalid_email", message: "请填写有效的电子邮箱地址", messageEn: "Enter a valid e-mail address")
    }

    public static func passwordProblem(_ password: String, username: String) -> FieldError? {
        if password.count < passwordMinLength {
            return FieldError(field: "password", code: "weak_password", message: "密码至少 8 个字符", messageEn: "A password needs at least 8 characters")
        }
        if password.utf8.count > passwordMaxBytes {
            return FieldError(field: "password", code: "password_too_long", message: "密码最多 72 字节", messageEn: "A password is at most 72 bytes")
        }
        if !username.isEmpty, password.lowercased().contains(username.lowercased()) {
            return FieldError(field: "password", code: "weak_password", message: "密码不能包含用户名", messageEn: "A password may not contain the username")
        }
        return nil
    }
}
