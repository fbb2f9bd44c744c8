import Fluent
import Foundation
import Vapor

/// A connector's secret (a source password or token), sealed with AES-GCM under a key derived from
/// the platform key (migration 007, shared by every instance, as the cursor key is) and bound to the
/// connector's code, so a sealed value copied onto another connector does not open. The database
/// holds only the sealed text; no answer, page or log ever carries the secret again.
enum ConnectorSecrets {
    static func key(app: Application, on db: any Database) async throws -> SymmetricKey {
        let platform = try await Pseudonyms.key(app: app, on: db)
        let derived = HMAC<SHA256>.authenticationCode(for: Array("databank connector secret key v1".utf8), using: SymmetricKey(data: platform))
        return SymmetricKey(data: Data(derived))
    }

    static func seal(_ secret: String, code: String, key: SymmetricKey) -> String {
        // AES-GCM with a random nonce never fails for a valid key.
        let box = try! AES.GCM.seal(Array(secret.utf8), using: key, authenticating: Array("connector:\(code)".utf8))
        return box.combined!.base64EncodedString()
    }

    static func open(_ sealed: String, code: String, key: SymmetricKey) throws -> String {
        guard let data = Data(base64Encoded: sealed), let box = try? AES.GCM.SealedBox(combined: data),
            let plain = try? AES.GCM.open(box, using: key, authenticating: Array("connector:\(code)".utf8))
        else {
            throw AppError(
                .internalServerError, "connector_secret_unreadable",
                "The connector's stored secret does not open under this platform's key: enter the password again")
        }
        return String(decoding: plain, as: UTF8.self)
    }
}

/// Files a connector may read: only under its department's folder of the connector root
/// (`DATABANK_CONNECTOR_ROOT/<department code>/`; the root by default `connectors/` beside the
/// database), so a steward can point a connector neither at the platform's own database, its key files
/// or anything else the server can read, nor at another department's files and drops.
enum ConnectorPaths {
    static func resolve(_ path: String?, root: String?, department: String, field: String = "source.path") throws -> String {
        guard let root else {
            throw AppError.field(
                .unprocessableEntity, "no_connector_root", field, zh: "服务器未配置连接器根目录（DATABANK_CONNECTOR_ROOT）",
                en: "The server has no connector root (DATABANK_CONNECTOR_ROOT): file sources are off")
        }
        guard let path = path?.trimmingCharacters(in: .whitespaces), !path.isEmpty else {
            throw AppError.field(.unprocessableEntity, "required", field, zh: "请填写路径（相对于连接器根目录）", en: "A path (relative to the connector root) is required")
        }
        let parts = path.split(separator: "/")
        guard !path.hasPrefix("/"), !parts.contains(".."), !path.contains("\0"), path.count <= 512 else {
            throw AppError.field(
                .unprocessableEntity, "path_outside_root", field, zh: "路径须相对于本部门在连接器根目录下的文件夹，且不能含 ..",
                en: "The path must be relative to the department's folder under the connector root, without ..")
        }
        guard !department.isEmpty, !department.contains("/"), !department.hasPrefix(".") else {
            throw AppError.field(.unprocessableEntity, "path_outside_root", field, zh: "部门代码无效", en: "The department's code cannot name a folder")
        }
        let base = URL(fileURLWithPath: root).appendingPathComponent(department).standardizedFileURL.resolvingSymlinksInPath().path
        let full = URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.resolvingSymlinksInPath().path
        guard full.hasPrefix(base + "/") else {
            throw AppError.field(
                .unprocessableEntity, "path_outside_root", field, zh: "路径（经符号链接解析后）不在本部门的连接器文件夹之内",
                en: "The path (symbolic links followed) leads outside the department's connector folder")
        }
        return full
    }
}
