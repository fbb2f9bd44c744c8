import Foundation
import Vapor

/// The one Server-Sent Events loop, behind the change feed (``FeedAPI``) and the portal's real-time
/// streams (``OpenStreams``): read a page of changes after the cursor, write each one the reader may
/// see as `event: change` with `id: seq`, audit the batch, send a heartbeat comment when idle, take
/// the read decision again every 5 s, and stop when access ends or the client goes.
struct EventStreamLoop: Sendable {
    /// Changes after a cursor: the sequence number and the record as the reader sees it (nil: hidden from them).
    typealias Page = [(seq: Int, json: String?)]

    /// The client's reconnect delay (`retry:`), in milliseconds.
    var retryMilliseconds: Int
    /// The comment line sent after `heartbeatPolls` quiet polls of 500 ms (e.g. `: keep-alive`).
    var heartbeat: String
    var heartbeatPolls: Int
    /// Checked before every poll (a revoked token ends the stream at once); nil: nothing to check.
    var stillValid: (@Sendable () async throws -> Bool)? = nil
    /// The read decision, taken again every 5 s: false ends the stream.
    var stillDecided: @Sendable () async throws -> Bool
    /// Up to 1,000 changes after the cursor; nil ends the stream (e.g. a revoked grant).
    var page: @Sendable (_ after: Int) async throws -> Page?
    /// Audits a batch of `count` changes sent: those after change `after`, through change `through`.
    var audit: @Sendable (_ count: Int, _ after: Int, _ through: Int) async throws -> Void
    /// Runs once when the stream ends, however it ends.
    var end: @Sendable () async -> Void = {}

    /// The response body: the loop from `start` (the first change sent is the one after it).
    func body(from start: Int) -> Response.Body {
        .init(asyncStream: { writer in
            do {
                try await run(from: start, writer)
            } catch {
                // The client went away (or the server is stopping): nothing to report to anyone.
            }
            await end()
            try? await writer.write(.end)
        })
    }

    private func run(from start: Int, _ writer: any AsyncBodyStreamWriter) async throws {
        var cursor = start
        var idle = 0
        var decidedAt = Date()
        try await writer.write(.buffer(ByteBuffer(string: "retry: \(retryMilliseconds)\n\n")))
        while !Task.isCancelled {
            if let stillValid { guard try await stillValid() else { return } }
            if Date().timeIntervalSince(decidedAt) >= 5 {
                guard try await stillDecided() else { return }
                decidedAt = Date()
            }
            guard let items = try await page(cursor) else { return }
            if items.isEmpty {
                idle += 1
                if idle % heartbeatPolls == 0 { try await writer.write(.buffer(ByteBuffer(string: heartbeat + "\n\n"))) }
                try await Task.sleep(for: .milliseconds(500))
                continue
            }
            idle = 0
            let shown = items.compactMap { item in item.json.map { (item.seq, $0) } }
            let text = shown.map { "id: \($0.0)\nevent: change\ndata: \($0.1)\n\n" }.joined()
            if !text.isEmpty { try await writer.write(.buffer(ByteBuffer(string: text))) }
            let after = cursor
            cursor = items.last!.seq
            if shown.isEmpty { continue }
            try await audit(shown.count, after, cursor)
        }
    }
}
