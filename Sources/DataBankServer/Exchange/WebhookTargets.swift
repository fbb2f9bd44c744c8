import Foundation
import Vapor

/// Where webhooks may go. A webhook is a request the server makes on a user's behalf, so by
/// default it may reach only public unicast addresses: never loopback, private, link-local
/// (169.254.169.254, the cloud metadata service), carrier-grade NAT, multicast or reserved
/// ranges. `DATABANK_WEBHOOK_ALLOW` names the exceptions (addresses, CIDR blocks, host names).
struct WebhookAllowList: Sendable, Equatable {
    var blocks: [IPBlock] = []
    /// Lower-cased host names whose addresses are allowed whatever they are.
    var hosts: Set<String> = []

    /// `"127.0.0.1, 10.1.2.0/24, hooks.internal"`; anything not an address or block is a host name.
    init(_ text: String?) {
        for entry in (text ?? "").split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !entry.isEmpty {
            if let block = IPBlock(entry) { blocks.append(block) } else { hosts.insert(entry) }
        }
    }

    func allows(host: String) -> Bool { hosts.contains(host.lowercased()) }
    func allows(_ address: IPAddressBytes) -> Bool { blocks.contains { $0.contains(address) } }
}

/// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
struct IPAddressBytes: Sendable, Equatable, CustomStringConvertible {
    var bytes: [UInt8]

    init?(_ text: String) {
        var t = text
        if t.hasPrefix("["), t.hasSuffix("]") { t = String(t.dropFirst().dropLast()) }
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, t, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, t, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else { return nil }
    }

    init(bytes: [UInt8]) { self.bytes = bytes }

    var description: String {
        var out = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        var b = bytes
        _ = inet_ntop(bytes.count == 4 ? AF_INET : AF_INET6, &b, &out, socklen_t(out.count))
        return String(cString: out)
    }

    /// The IPv4 address an IPv6 one carries (mapped, compatible, NAT64, 6to4), so it is judged as that.
    var embeddedIPv4: IPAddressBytes? {
        guard bytes.count == 16 else { return nil }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && ((bytes[10] == 0xff && bytes[11] == 0xff) || (bytes[10] == 0 && bytes[11] == 0)) {
            return IPAddressBytes(bytes: Array(bytes[12..<16]))
        }
        if bytes[0..<12] == [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] { return IPAddressBytes(bytes: Array(bytes[12..<16])) }
        if bytes[0] == 0x20 && bytes[1] == 0x02 { return IPAddressBytes(bytes: Array(bytes[2..<6])) }
        return nil
    }

    /// Whether a webhook may reach it without an allow-list entry: public unicast only.
    var isPublicUnicast: Bool {
        if let v4 = embeddedIPv4 { return v4.isPublicUnicast }
        let denied = bytes.count == 4 ? Self.deniedV4 : Self.deniedV6
        if bytes.count == 16 && bytes[0] & 0xe0 != 0x20 { return false }  // outside 2000::/3, the global unicast space
        return !denied.contains { $0.contains(self) }
    }

    static let deniedV4: [IPBlock] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
        "224.0.0.0/4", "240.0.0.0/4",
    ].map { IPBlock($0)! }
    /// Inside 2000::/3: Teredo, ORCHID, documentation.
    static let deniedV6: [IPBlock] = ["2001::/32", "2001:10::/28", "2001:20::/28", "2001:db8::/32", "3fff::/20"].map { IPBlock($0)! }
}

/// An address block, `10.1.2.0/24`, or one address.
struct IPBlock: Sendable, Equatable {
    var base: IPAddressBytes
    var prefix: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let base = IPAddressBytes(String(parts[0])) else { return nil }
        let bits = base.bytes.count * 8
        if parts.count == 2 {
            guard let p = Int(parts[1]), (0...bits).contains(p) else { return nil }
            prefix = p
        } else { prefix = bits }
        self.base = base
    }

    func contains(_ a: IPAddressBytes) -> Bool {
        // An allowed IPv4 block also covers the same address written as IPv4-mapped IPv6.
        let address = (a.bytes.count == 16 && base.bytes.count == 4) ? (a.embeddedIPv4 ?? a) : a
        guard address.bytes.count == base.bytes.count else { return false }
        var left = prefix
        for i in 0..<address.bytes.count where left > 0 {
            let n = min(8, left)
            let mask: UInt8 = n == 8 ? 0xff : ~(0xff >> UInt8(n))
            if address.bytes[i] & mask != base.bytes[i] & mask { return false }
            left -= n
        }
        return true
    }
}

/// Resolves a webhook's host and checks every address, so the delivery connects only to one checked here.
enum WebhookTargets {
    static let maxURLLength = 2048

    enum Refusal: Error, Equatable { case notAllowed, unresolvable }

    /// The address to connect to for `url`'s host, or why not. Every address the name resolves to must
    /// pass (one private address among public ones refuses it: the resolver could hand out either).
    static func checkedAddress(host: String, allow: WebhookAllowList) async throws(Refusal) -> IPAddressBytes {
        if let literal = IPAddressBytes(host) {
            guard allow.allows(host: host) || allow.allows(literal) || literal.isPublicUnicast else { throw .notAllowed }
            return literal
        }
        let addresses = await resolve(host)
        guard let first = addresses.first else { throw .unresolvable }
        if allow.allows(host: host) { return first }
        guard addresses.allSatisfy({ allow.allows($0) || $0.isPublicUnicast }) else { throw .notAllowed }
        return first
    }

    /// `getaddrinfo` on a Dispatch thread: it blocks, and Swift's cooperative pool has one thread per core.
    static func resolve(_ host: String) async -> [IPAddressBytes] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                var hints = addrinfo()
                hints.ai_family = AF_UNSPEC
                hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
                var list: UnsafeMutablePointer<addrinfo>?
                guard getaddrinfo(host, nil, &hints, &list) == 0 else { continuation.resume(returning: []); return }
                defer { freeaddrinfo(list) }
                var found: [IPAddressBytes] = []
                var cursor = list
                while let info = cursor?.pointee {
                    if info.ai_family == AF_INET, let sa = info.ai_addr {
                        var a = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                        found.append(IPAddressBytes(bytes: withUnsafeBytes(of: &a) { Array($0) }))
                    } else if info.ai_family == AF_INET6, let sa = info.ai_addr {
                        var a = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                        found.append(IPAddressBytes(bytes: withUnsafeBytes(of: &a) { Array($0) }))
                    }
                    cursor = info.ai_next
                }
                continuation.resume(returning: found)
            }
        }
    }

    /// Refuses, at creation, a URL a webhook could not or must not be sent to (field `url`).
    static func validate(_ text: String, allow: WebhookAllowList) async throws {
        guard text.utf8.count <= maxURLLength else {
            throw AppError.field(.badRequest, "url_too_long", "url", zh: "回调地址最长 \(maxURLLength) 个字符", en: "url is longer than \(maxURLLength) characters")
        }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), let host = url.host, !host.isEmpty else {
            throw AppError.field(.unprocessableEntity, "invalid_url", "url", zh: "回调地址须为 http(s) 网址", en: "url must be an http(s) URL")
        }
        do {
            _ = try await checkedAddress(host: host, allow: allow)
        } catch .notAllowed {
            throw AppError.field(.unprocessableEntity, "webhook_target_not_allowed", "url",
                                 zh: "回调地址指向本机、内网或保留地址，不允许", en: "url points to a loopback, private, link-local or reserved address")
        } catch .unresolvable {
            throw AppError.field(.unprocessableEntity, "webhook_host_unresolvable", "url", zh: "回调地址的主机名无法解析", en: "url's host name does not resolve")
        }
    }
}
