import Vapor

/// The address a request comes from, for throttling: the socket peer, or — only when that peer
/// is a trusted reverse proxy (``Settings/trustedProxies``) — the last address in
/// `X-Forwarded-For` that is not itself a trusted proxy. A client cannot pick its own address by
/// sending the header straight to DataBank.
enum ClientAddress {
    static func of(_ req: Request) -> String {
        // In-process requests (tests) have no socket.
        let peer = req.remoteAddress?.ipAddress ?? "local"
        let trusted = req.application.settings.trustedProxies
        guard trusted.contains(peer) else { return peer }
        let forwarded = req.headers[.xForwardedFor]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        // Proxies append what they saw: read from the right, skipping our own proxies.
        guard let client = forwarded.last(where: { !trusted.contains($0) }) ?? forwarded.first else { return peer }
        return String(client.prefix(64))
    }
}
