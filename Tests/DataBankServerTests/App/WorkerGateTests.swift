@testable import DataBankServer
import Testing

/// Background work waits for the gate: `demo` opens it once its city is built, so its workers do not
/// poll tables not made yet or queue for the connections the city's loads hold.
@Suite("Worker gate")
struct WorkerGateTests {
    actor Flag {
        var isSet = false
        func set() { isSet = true }
    }

    @Test func workWaitsUntilTheGateOpens() async throws {
        let gate = WorkerGate()
        let passed = Flag()
        let waiting = Task {
            let open = await gate.wait()
            await passed.set()
            return open
        }
        try await Task.sleep(for: .milliseconds(600))
        #expect(await passed.isSet == false, "the work started before the gate opened")
        gate.open()
        #expect(await waiting.value)
        #expect(await passed.isSet)
    }

    /// Shutting down while the gate is shut (`demo --no-serve`) ends the wait: nothing hangs.
    @Test func cancellingEndsTheWait() async {
        let gate = WorkerGate()
        let waiting = Task { await gate.wait() }
        waiting.cancel()
        #expect(await waiting.value == false)
    }

    /// An application without a configured gate (a test app) runs its work at once.
    @Test func anUnconfiguredGateIsOpen() async {
        #expect(WorkerGate.alwaysOpen.isOpen)
        #expect(await WorkerGate.alwaysOpen.wait())
    }
}
