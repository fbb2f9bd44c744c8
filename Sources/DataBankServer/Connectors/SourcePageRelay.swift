import Foundation

/// Pages handed from the task reading a source to the task ingesting them, one at most waiting: the
/// source reads (and its server builds) the next page while the ingest writes this one, and no more
/// than two pages are ever held.
actor SourcePageRelay {
    private var waiting: SourcePage?
    private var ended = false
    private var stopped = false
    private var failure: (any Error)?
    /// The reader, parked until its page is taken.
    private var reader: CheckedContinuation<Void, Never>?
    /// The ingest, parked until a page (or the end) comes.
    private var taker: CheckedContinuation<SourcePage?, any Error>?

    /// Hands a page over and returns once it is taken; false when the ingest stopped (read no more).
    func put(_ page: SourcePage) async -> Bool {
        if stopped { return false }
        if let taker {
            self.taker = nil
            taker.resume(returning: page)
            return true
        }
        waiting = page
        await withCheckedContinuation { reader = $0 }
        return !stopped
    }

    /// The reader is done: `error` nil at the end of the rows, else what failed.
    func finish(_ error: (any Error)?) {
        ended = true
        failure = error
        guard let taker else { return }
        self.taker = nil
        if let error { taker.resume(throwing: error) } else { taker.resume(returning: nil) }
    }

    /// The next page; nil after the last.
    func take() async throws -> SourcePage? {
        if let page = waiting {
            waiting = nil
            reader?.resume()
            reader = nil
            return page
        }
        if ended {
            if let failure { throw failure }
            return nil
        }
        return try await withCheckedThrowingContinuation { taker = $0 }
    }

    /// The ingest failed: the reader stops at its next page.
    func stop() {
        stopped = true
        waiting = nil
        reader?.resume()
        reader = nil
    }
}
