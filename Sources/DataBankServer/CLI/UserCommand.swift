import Fluent
import Vapor
import DataBankCore

/// `databank user add|passwd|token|list`.
struct UserCommand: AsyncCommandGroup {
    var help: String { "Manages accounts: add, passwd, token, list, email" }
    var commands: [String: any AnyAsyncCommand] {
        ["add": AddUser(), "passwd": ChangePassword(), "token": IssueToken(), "list": ListUsers(), "email": SetEmail()]
    }
    var defaultCommand: (any AnyAsyncCommand)? { nil }
}

/// `databank user add NAME --role steward --department CODE`.
struct AddUser: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "username", help: "The new account's login name")
        var username: String
        @Option(name: "role", help: "platformAdmin, departmentAdmin, steward, reviewer or viewer (default viewer)")
        var role: String?
        @Option(name: "department", help: "The user's department code (see GET /api/v1/departments)")
        var department: String?
        @Option(name: "name", help: "Display name (default: the username)")
        var name: String?
        @Option(name: "password", help: "The password (else DATABANK_PASSWORD, else asked for)")
        var password: String?
        @Option(name: "email", help: "Where notifications are mailed (when DATABANK_SMTP_URL is set)")
        var email: String?
        init() {}
    }
    var help: String { "Adds an account: databank user add NAME --role steward --department CODE [--name 显示名]" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let role = Role(rawValue: signature.role ?? "viewer") else {
            throw CLIError("--role must be one of: \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let dept = signature.department else {
            throw CLIError("--department CODE is required (see GET /api/v1/departments)", zh: "必须给出 --department 部门代码（见 GET /api/v1/departments）")
        }
        let password = signature.password ?? askPassword(context)
        let user = try await Accounts.addUser(
            username: signature.username, displayName: signature.name ?? signature.username,
            password: password, role: role, departmentCode: dept, on: context.application.db)
        if let email = signature.email {
            user.email = try SetEmail.checked(email)
            try await user.save(on: context.application.db)
        }
        context.console.print("Added \(signature.username) (\(role.rawValue), \(dept)).")
    }
}

/// `databank user passwd NAME`.
struct ChangePassword: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "username", help: "The account")
        var username: String
        @Option(name: "password", help: "The new password (else DATABANK_PASSWORD, else asked for)")
        var password: String?
        init() {}
    }
    var help: String { "Sets an account's password" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let user = try await findUser(signature.username, context.application.db)
        let password = signature.password ?? askPassword(context)
        try Accounts.checkPassword(password)
        user.passwordHash = try Accounts.hashPassword(password)
        try await user.save(on: context.application.db)
        context.console.print("Password changed for \(user.username).")
    }
}

/// `databank user token NAME`: prints a fresh API token.
struct IssueToken: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "username", help: "The account")
        var username: String
        @Option(name: "name", help: "A label for the token (default cli)")
        var name: String?
        init() {}
    }
    var help: String { "Prints a new API token for the account (shown once; stored hashed; revoke in the web UI or DELETE /api/v1/tokens/ID)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let user = try await findUser(signature.username, context.application.db)
        let (token, _) = try await Accounts.issueToken(for: user, name: signature.name ?? "cli", on: context.application.db)
        context.console.print(token)
    }
}

/// `databank user list`.
struct ListUsers: AsyncCommand {
    struct Signature: CommandSignature { init() {} }
    var help: String { "Lists accounts with their role and department" }

    func run(using context: CommandContext, signature: Signature) async throws {
        for u in try await User.query(on: context.application.db).sort(\.$username).all() {
            context.console.print("\(u.username)\t\(u.role.rawValue)\t\(u.departmentCode)\t\(u.displayName)")
        }
    }
}

private func findUser(_ username: String, _ db: any Database) async throws -> User {
    guard let u = try await User.query(on: db).filter(\.$username == username).first() else { throw CLIError("No user \(username)", zh: "没有用户 \(username)") }
    return u
}

private func askPassword(_ context: CommandContext) -> String {
    Environment.get("DATABANK_PASSWORD") ?? context.console.ask("Password:", isSecure: true)
}

/// `databank user email NAME ADDRESS`: where the account's notifications are mailed ("-" removes it).
struct SetEmail: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "username", help: "The account")
        var username: String
        @Argument(name: "address", help: "An e-mail address, or - to remove it")
        var address: String
        init() {}
    }
    var help: String { "Sets where an account's notifications are mailed (DATABANK_SMTP_URL)" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let user = try await findUser(signature.username, context.application.db)
        user.email = signature.address == "-" ? nil : try Self.checked(signature.address)
        try await user.save(on: context.application.db)
        context.console.print("\(user.username): \(user.email ?? "no e-mail")")
    }

    static func checked(_ address: String) throws -> String {
        let parts = address.split(separator: "@")
        guard parts.count == 2, parts[1].contains("."), !address.contains(where: { $0.isWhitespace || $0 == "<" || $0 == ">" }) else {
            throw CLIError("\(address) is not an e-mail address", zh: "\(address) 不是电子邮件地址")
        }
        return address
    }
}
