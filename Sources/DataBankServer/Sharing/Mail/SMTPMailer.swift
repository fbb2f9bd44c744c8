import Foundation
import NIOCore
import NIOPosix

/// Where notification mail goes: `DATABANK_SMTP_URL=smtp://[user:password@]host[:port]` and
/// `DATABANK_SMTP_FROM=databank@example.gov.cn`. Without them, notifications stay in the app.
struct SMTPSettings: Sendable, Equatable {
    var host: String
    var port: Int
    var username: String?
    var password: String?
    var from: String

    init?(url: String?, from: String?) {
        guard let url, let c = URLComponents(string: url), c.scheme == "smtp", let host = c.host, !host.isEmpty else { return nil }
        self.host = host; port = c.port ?? 25
        username = c.user?.removingPercentEncoding; password = c.password?.removingPercentEncoding
        self.from = from ?? "databank@\(host)"
    }
}

/// A small SMTP client (RFC 5321) for a relay the city runs: EHLO, optional AUTH PLAIN, one
/// message per connection, UTF-8 subject and body (base64), so Chinese text arrives intact.
struct SMTPMailer: Sendable {
    let settings: SMTPSettings

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    func send(to recipients: [String], subject: String, body: String) async throws {
        guard !recipients.isEmpty else { return }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel) }
            }
        try await channel.executeThenClose { inbound, outbound in
            var replies = ReplyReader(iterator: inbound.makeAsyncIterator())
            func command(_ line: String?, expect codes: Set<Int>) async throws {
                if let line { try await outbound.write(ByteBuffer(string: line + "\r\n")) }
                let (code, text) = try await replies.next()
                guard codes.contains(code) else { throw Failure(description: "SMTP \(line?.prefix(10) ?? "greeting") answered \(code) \(text)") }
            }
            try await command(nil, expect: [220])
            try await command("EHLO databank", expect: [250])
            if let user = settings.username {
                let token = Data(("\u{0}" + user + "\u{0}" + (settings.password ?? "")).utf8).base64EncodedString()
                try await command("AUTH PLAIN \(token)", expect: [235])
            }
            try await command("MAIL FROM:<\(settings.from)>", expect: [250])
            for r in recipients { try await command("RCPT TO:<\(r)>", expect: [250, 251]) }
            try await command("DATA", expect: [354])
            try await command(Self.message(from: settings.from, to: recipients, subject: subject, body: body) + "\r\n.", expect: [250])
            try await command("QUIT", expect: [221])
        }
    }

    /// The message: headers, then the UTF-8 body in base64 lines (no line can start with a dot).
    static func message(from: String, to: [String], subject: String, body: String) -> String {
        let encodedSubject = "=?UTF-8?B?" + Data(subject.utf8).base64EncodedString() + "?="
        let stamp = DateFormatter()
        stamp.locale = Locale(identifier: "en_US_POSIX"); stamp.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        let text = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return ["From: <\(from)>", "To: " + to.map { "<\($0)>" }.joined(separator: ", "), "Subject: \(encodedSubject)",
                "Date: \(stamp.string(from: Date()))", "X-Mailer: DataBank", "MIME-Version: 1.0", "Content-Type: text/plain; charset=UTF-8",
                "Content-Transfer-Encoding: base64", "", text].joined(separator: "\r\n")
    }

    /// Reads SMTP replies: a code, then `-` for more lines or a space for the last.
    struct ReplyReader {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var pending = ""

        mutating func next() async throws -> (Int, String) {
            var text = ""
            while true {
                while let range = pending.range(of: "\r\n") {
                    let line = String(pending[..<range.lowerBound])
                    pending = String(pending[range.upperBound...])
                    text += line + "\n"
                    let bytes = Array(line.utf8)
                    if bytes.count < 4 || bytes[3] != UInt8(ascii: "-") { return (Int(line.prefix(3)) ?? 0, text) }
                }
                guard var buffer = try await iterator.next() else { throw Failure(description: "SMTP server closed the connection") }
                pending += buffer.readString(length: buffer.readableBytes) ?? ""
            }
        }
    }
}
