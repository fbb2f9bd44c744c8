/// A department of a peer node as a consumer at the owning node: it holds grants there under the
/// consumer code `node:<peer>/<department>` (as a registered member of the public holds them under
/// `user:<id>`), never a local department's code, so no local rule can mistake it for one.
public enum PeerConsumer {
    public static let prefix = "node:"

    /// `node:foshan/jtj` for department `jtj` of node `foshan`.
    public static func code(node: String, department: String) -> String { prefix + node + "/" + department }

    /// The node and the department of a peer consumer code; nil for any other code.
    public static func parse(_ code: String) -> (node: String, department: String)? {
        guard code.hasPrefix(prefix) else { return nil }
        let rest = code.dropFirst(prefix.count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let node = String(rest[..<slash]), department = String(rest[rest.index(after: slash)...])
        guard NodeNaming.isValidCode(node), isValidDepartment(department) else { return nil }
        return (node, department)
    }

    /// A department code as a peer sends it: 1–40 letters, digits, `-` or `_`.
    public static func isValidDepartment(_ code: String) -> Bool {
        !code.isEmpty && code.count <= 40 && code.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
    }
}
