import DataBankCore
@testable import DataBankServer
import Fluent
import NIOCore
import NIOPosix
import Testing
import Vapor

/// Notifications reach the department's mailbox when SMTP is configured: a real SMTP
/// conversation with a fake relay on a local port.
@Suite("Notification mail")
struct NotificationMailTests {
    /// An application notifies the provider; the mail arrives once, in UTF-8, to its stewards with an address.
    @Test func applicationIsMailedToTheProvider() async throws {
        let relay = try await FakeSMTPRelay.start()
        try await withDataBank { app in
            let steward = try #require(try await User.query(on: app.db).filter(\.$username == "scj_steward").first())
            steward.email = "liang@scj.foshan.gov.cn"
            try await steward.save(on: app.db)
            let f = try await StoreFixture.enterprise(app)
            let resource = try #require(try await ResourceRow.query(on: app.db).filter(\.$code == f.code).first())
            resource.sharingType = SharingType.conditional.rawValue
            try await resource.save(on: app.db)
            let applied = try await app.send(.POST, "/api/v1/applications", token: try await app.token("jtj_steward"), json: [
                "resource": AnyEncodable(f.code), "purpose": AnyEncodable("核查"), "legalBasis": AnyEncodable("条例"), "validUntil": AnyEncodable("2027-06-30")])
            #expect(applied.status == .created)
            let smtp = try #require(SMTPSettings(url: "smtp://127.0.0.1:\(relay.port)", from: "databank@foshan.gov.cn"))
            #expect(try await NotificationMail.runOnce(app: app, smtp: smtp) == 1)
            #expect(try await NotificationMail.runOnce(app: app, smtp: smtp) == 0)   // claimed: never twice
        }
        let mails = await relay.received()
        try await relay.stop()
        #expect(mails.count == 1)
        let mail = try #require(mails.first)
        #expect(mail.recipients == ["liang@scj.foshan.gov.cn"])
        #expect(mail.from == "databank@foshan.gov.cn")
        #expect(mail.decodedBody.contains("申请"))
        #expect(mail.data.contains("Subject: =?UTF-8?B?"))
    }
}

/// A minimal SMTP relay that records what it is sent.
final class FakeSMTPRelay: Sendable {
    struct Mail: Sendable {
        var from = "", recipients: [String] = [], data = ""
        var decodedBody: String {
            let body = data.components(separatedBy: "\r\n\r\n").dropFirst().joined().replacingOccurrences(of: "\r\n", with: "")
            return Data(base64Encoded: body).map { String(decoding: $0, as: UTF8.self) } ?? ""
        }
    }
    actor Inbox { var mails: [Mail] = []; func add(_ m: Mail) { mails.append(m) } }

    let channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>
    let inbox: Inbox
    let task: Task<Void, Never>
    var port: Int { channel.channel.localAddress?.port ?? 0 }

    private init(_ channel: NIOAsyncChannel<NIOAsyncChannel<ByteBuffer, ByteBuffer>, Never>, inbox: Inbox) {
        self.channel = channel
        self.inbox = inbox
        task = Task {
            try? await channel.executeThenClose { connections in
                for try await connection in connections { await Self.serve(connection, inbox) }
            }
        }
    }

    static func start() async throws -> FakeSMTPRelay {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0) { child in
                child.eventLoop.makeCompletedFuture { try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child) }
            }
        let inbox = Inbox()
        let relay = FakeSMTPRelay(channel, inbox: inbox)
        return relay
    }

    func received() async -> [Mail] { await inbox.mails }

    func stop() async throws {
        try await channel.channel.close()
        task.cancel()
    }

    static func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, _ inbox: Inbox) async {
        try? await connection.executeThenClose { input, output in
            func reply(_ line: String) async throws { try await output.write(ByteBuffer(string: line + "\r\n")) }
            try await reply("220 fake ESMTP")
            var mail = Mail(), pending = "", inData = false
            for try await var chunk in input {
                pending += chunk.readString(length: chunk.readableBytes) ?? ""
                while let range = pending.range(of: inData ? "\r\n.\r\n" : "\r\n") {
                    let line = String(pending[..<range.lowerBound])
                    pending = String(pending[range.upperBound...])
                    if inData { mail.data = line; inData = false; try await reply("250 queued"); continue }
                    switch line.prefix(4).uppercased() {
                    case "EHLO": try await reply("250-fake"); try await reply("250 8BITMIME")
                    case "MAIL": mail.from = String(line.split(separator: "<").last?.dropLast() ?? ""); try await reply("250 ok")
                    case "RCPT": mail.recipients.append(String(line.split(separator: "<").last?.dropLast() ?? "")); try await reply("250 ok")
                    case "DATA": inData = true; try await reply("354 go ahead")
                    case "QUIT": await inbox.add(mail); try await reply("221 bye"); return
                    default: try await reply("500 what")
                    }
                }
            }
        }
    }
}
