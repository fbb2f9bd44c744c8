import Atomics
import Vapor

/// Whether background work may begin. `serve` migrates before the application boots, so its gate
/// opens at boot; `demo` migrates and builds its city after booting, and opens the gate once the city
/// is built — until then its workers would poll tables not made yet and wait for the connections the
/// city's bulk loads hold (AsyncKit then logs "connection request timed out" to a new user).
final class WorkerGate: Sendable {
    private let opened = ManagedAtomic(false)

    func open() { opened.store(true, ordering: .releasing) }

    var isOpen: Bool { opened.load(ordering: .acquiring) }

    /// Returns once the gate is open (true), or when the task is cancelled first (false). It polls,
    /// so shutting down while the gate is still shut ends the wait.
    func wait() async -> Bool {
        while !isOpen {
            if Task.isCancelled { return false }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return !Task.isCancelled
    }
}

struct WorkerGateKey: StorageKey { typealias Value = WorkerGate }

extension WorkerGate {
    /// A gate that is open from the start.
    static let alwaysOpen: WorkerGate = {
        let gate = WorkerGate()
        gate.open()
        return gate
    }()
}

extension Application {
    /// The gate `configure` sets up (shut while ``Settings/holdWorkers``); open if there is none.
    var workerGate: WorkerGate { storage[WorkerGateKey.self] ?? .alwaysOpen }
}
