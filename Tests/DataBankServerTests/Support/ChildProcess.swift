import Foundation

/// A program the tests run (the built `databank`, curl, python3), off the cooperative pool.
///
/// Waiting for a child on a cooperative thread starves the in-process servers of every other
/// test (two such waits on two cores stop them all, and a child that calls back into one of them
/// never ends). So the child runs on a thread of its own, both of its pipes are drained at once
/// (a chatty stderr cannot fill its pipe while stdout is read), and it is killed after `limit`.
enum ChildProcess {
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        /// True when the child was killed for running past its limit.
        var timedOut: Bool
    }

    /// Runs `executable` with `arguments`; `environment` nil inherits the test runner's.
    static func run(
        _ executable: String, _ arguments: [String], in directory: URL? = nil,
        environment: [String: String]? = nil, mergeStderr: Bool = false, limit: Duration = .seconds(180)
    ) async throws -> Result {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Swift.Result {
                        try blockingRun(executable, arguments, directory, environment, mergeStderr, limit)
                    })
            }
        }
    }

    private static func blockingRun(
        _ executable: String, _ arguments: [String], _ directory: URL?, _ environment: [String: String]?,
        _ mergeStderr: Bool, _ limit: Duration
    ) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        let out = Pipe()
        let err = mergeStderr ? out : Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()

        let killed = LockedFlag()
        let killer = DispatchWorkItem {
            if process.isRunning { killed.set(); process.terminate() }
        }
        let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: killer)

        let stderrData = LockedData()
        let stderrDone = DispatchGroup()
        if !mergeStderr {
            stderrDone.enter()
            Thread.detachNewThread {
                stderrData.set(err.fileHandleForReading.readDataToEndOfFile())
                stderrDone.leave()
            }
        }
        let stdoutData = out.fileHandleForReading.readDataToEndOfFile()
        stderrDone.wait()
        process.waitUntilExit()
        killer.cancel()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: stdoutData, as: UTF8.self),
            stderr: String(decoding: stderrData.get(), as: UTF8.self), timedOut: killed.isSet)
    }
}

/// Bytes handed from the stderr reader thread to the waiting one.
private final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data } }
}

/// Set once by the killer when it ends a child that ran too long.
private final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
