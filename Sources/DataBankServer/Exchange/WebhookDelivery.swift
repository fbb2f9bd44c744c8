import AsyncHTTPClient
import Fluent
import NIOCore
import SQLKit
import Vapor
import DataBankCore

/// Delivers webhooks: claims due subscriptions (a lease, so instances share the work), sends
/// the changes after each cursor as one signed POST, and moves the cursor only on a 2xx —
/// at-least-once. Failures back off exponentially; after `maxFailures` in a row the
/// subscription is paused and shown as such until its owner resumes it.
///
/// Deliveries run in parallel, at most `Settings.webhookConcurrency` per instance, each bounded
/// by the connect and response timeouts: a listener that never answers holds one slot, not the worker.
enum WebhookDelivery {
    static let maxFailures = 8
    static let batchSize = 500
    /// The one text for every failure without an HTTP answer (refused, timed out, reset, TLS, DNS):
    /// a closed port and a filtered one must look alike, or webhooks become a port scanner.
    static let couldNotDeliver = "could not deliver: no HTTP answer"
    static let addressNotAllowed = "could not deliver: the address is not allowed"

    /// Signs a body: `sha256=` and the hex HMAC-SHA256 of the body with the subscription's secret.
    static func signature(_ body: [UInt8], secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func backoff(failures: Int) -> TimeInterval { min(3600, pow(2, Double(failures))) }

    /// Claims up to `limit` due subscriptions for this instance. The lease outlasts the longest attempt.
    static func claim(app: Application, now: Date, limit: Int) async throws -> [UUID] {
        let lease = app.settings.webhookConnectTimeout + app.settings.webhookResponseTimeout + 60
        return try await app.db.sql.raw(
            """
            UPDATE subscriptions SET lease_until = \(bind: now.addingTimeInterval(lease))
            WHERE id IN (SELECT id FROM subscriptions WHERE status = 'active' AND next_attempt_at <= \(bind: now)
                         AND (lease_until IS NULL OR lease_until < \(bind: now)) ORDER BY next_attempt_at LIMIT \(bind: limit))
            RETURNING id
            """
        ).all().map { try $0.decode(column: "id", as: UUID.self) }
    }

    /// One pass: every due subscription (up to 20) gets at most one delivery attempt, in parallel
    /// up to the concurrency setting. Returns how many were attempted.
    @discardableResult
    static func runOnce(app: Application, now: Date = Date()) async throws -> Int {
        let claimed = try await claim(app: app, now: now, limit: 20)
        let slots = max(1, app.settings.webhookConcurrency)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var running = 0
            for id in claimed {
                if running >= slots { try await group.next(); running -= 1 }
                group.addTask { try await deliver(id, app: app, now: now) }
                running += 1
            }
            try await group.waitForAll()
        }
        return claimed.count
    }

    /// Delivers until cancelled, keeping up to `webhookConcurrency` deliveries in flight and
    /// claiming more as slots free up. Cancellation ends the deliveries in flight.
    static func run(app: Application) async {
        guard await app.workerGate.wait() else { return }
        let slots = max(1, app.settings.webhookConcurrency)
        await withTaskGroup(of: Bool.self) { group in
            var running = 0
            var ticking = false
            while !Task.isCancelled {
                let free = slots - running
                var claimed: [UUID] = []
                if free > 0 {
                    do {
                        claimed = try await claim(app: app, now: Date(), limit: free)
                    } catch {
                        ExchangeWorker.report(error, app: app)
                        try? await Task.sleep(for: .seconds(2))
                        continue
                    }
                }
                for id in claimed {
                    group.addTask {
                        do { try await deliver(id, app: app, now: Date()) } catch { ExchangeWorker.report(error, app: app) }
                        return false
                    }
                    running += 1
                }
                if free > 0 && claimed.count == free { continue }  // more may be due at once
                // Wait for a slot to free or half a second to pass, whichever comes first.
                if !ticking {
                    group.addTask {
                        try? await Task.sleep(for: .milliseconds(500)); return true
                    }
                    ticking = true
                }
                guard let wasTick = await group.next() else { break }
                if wasTick { ticking = false } else { running -= 1 }
            }
            group.cancelAll()
        }
    }

    static func deliver(_ id: UUID, app: Application, now: Date) async throws {
        guard let sub = try await SubscriptionRow.find(id, on: app.db) else { return }
        try await deliver(sub, app: app, now: now)
    }

    static func deliver(_ sub: SubscriptionRow, app: Application, now: Date) async throws {
        let db = app.db
        // The one read decision, with the owner's identity: full, the grant's view, or the open
        // portal's; a webhook whose owner may no longer read pauses and says why.
        let store: RecordStoreRow, view: GrantView?
        do {
            (store, view) = try await StoreReading.readAs(ownerID: sub.ownerID, code: sub.resourceCode, app: app, on: db)
        } catch let e as AppError {
            sub.status = "paused"; sub.leaseUntil = nil
            sub.lastError = e.code == "not_published" ? "The resource has no record store" : "No active grant on \(sub.resourceCode)"
            try await sub.save(on: db); return
        }
        let sql = db.sql
        let page: ChangeFeed.Page
        if let view {
            page = try await ConsumerFeed.page(store: store, view: view, after: sub.cursor, limit: batchSize, today: app.today, on: sql)
        } else {
            page = try await ChangeFeed.page(store: store, after: sub.cursor, limit: batchSize, on: sql)
        }
        guard page.count > 0 else {
            sub.cursor = page.next  // changes outside a consumer's scope are passed over
            sub.nextAttemptAt = now.addingTimeInterval(1); sub.leaseUntil = nil
            try await sub.save(on: db); return
        }
        let body = Array(page.json.utf8)
        let deliveryID = UUID().uuidString
        var headers = HTTPHeaders()
        headers.contentType = .json
        headers.add(name: "X-DataBank-Signature", value: signature(body, secret: sub.secret))
        headers.add(name: "X-DataBank-Delivery", value: deliveryID)
        headers.add(name: "X-DataBank-Resource", value: sub.resourceCode)
        headers.add(name: "User-Agent", value: "DataBank-Webhook/1")
        let error = await post(body, headers: headers, to: sub.url, settings: app.settings, on: app.eventLoopGroup)
        if Task.isCancelled {
            // The server is stopping: not the endpoint's failure; the next instance to claim it sends again.
            sub.leaseUntil = nil
            try await sub.save(on: db); return
        }
        if let error {
            sub.failures += 1
            sub.lastError = error
            // From the end of the attempt: a timed-out one took the timeouts' length (`now` when a caller's
            // clock is ahead, as in tests).
            sub.nextAttemptAt = max(now, Date()).addingTimeInterval(backoff(failures: sub.failures))
            if sub.failures >= maxFailures { sub.status = "paused" }
        } else {
            let subjects = try await AuditSubjects.hashesOfChanges(
                store, after: sub.cursor, through: page.next, view: view, today: app.today, trail: app.auditTrail, on: sql)
            sub.cursor = page.next; sub.failures = 0; sub.lastError = nil; sub.lastDeliveredAt = now
            sub.nextAttemptAt = now  // more may be waiting: come back at once
            try await AuditLog.append(
                AuditLog.Who(kind: "webhook", id: sub.id?.uuidString, name: sub.ownerName, departmentCode: sub.departmentCode),
                resource: sub.resourceCode, operation: "webhook.deliver", fields: (view?.columns ?? store.recordLayout.columns).map(\.name),
                count: page.count, purpose: sub.purpose, requestID: deliveryID,
                requestHash: SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined(), subjects: subjects, on: db,
                trail: app.auditTrail)
        }
        sub.leaseUntil = nil
        try await sub.save(on: db)
    }

    /// POSTs `body` to `urlText`; nil on a 2xx, else the error to show. The host is resolved and
    /// every address checked here, and the client is pinned to the checked address (`dnsOverride`),
    /// so a name that resolves differently a moment later (DNS rebinding) cannot redirect it.
    /// Redirects are not followed: a 3xx is a failure like any other non-2xx answer.
    static func post(
        _ body: [UInt8], headers: HTTPHeaders, to urlText: String, settings: Settings,
        on group: any EventLoopGroup
    ) async -> String? {
        guard let url = URL(string: urlText), ["http", "https"].contains(url.scheme?.lowercased() ?? ""),
            let host = url.host, !host.isEmpty
        else { return couldNotDeliver }
        let address: IPAddressBytes
        do {
            address = try await WebhookTargets.checkedAddress(host: host, allow: settings.webhookAllow)
        } catch .notAllowed {
            return addressNotAllowed
        } catch {
            return couldNotDeliver
        }
        let connect = TimeAmount.milliseconds(Int64(settings.webhookConnectTimeout * 1000))
        let response = TimeAmount.milliseconds(Int64(settings.webhookResponseTimeout * 1000))
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: connect, read: response),
            connectionPool: .init(idleTimeout: .seconds(1)))
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        configuration.dnsOverride[host] = address.description
        configuration.dnsOverride[bare] = address.description
        let client = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
        var request = HTTPClientRequest(url: urlText)
        request.method = .POST
        request.headers = headers
        request.body = .bytes(ByteBuffer(bytes: body))
        var failure: String?
        do {
            let answer = try await client.execute(request, timeout: connect + response)
            if !(200..<300).contains(answer.status.code) { failure = "could not deliver: HTTP \(answer.status.code)" }
            // The answer's body is not used: at most 64 KiB of it is drained so the connection ends cleanly.
            _ = try? await answer.body.collect(upTo: 64 * 1024)
        } catch {
            failure = couldNotDeliver
        }
        try? await client.shutdown()
        return failure
    }
}
