import FluentKit
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Vapor

/// The blocking threads an application's SQLite connections run on: a pool of its own, not NIO's
/// process-wide one.
///
/// SQLiteNIO's busy handler retries at once and forever, so a writer waiting for another connection's
/// lock spins on the thread it was given until that lock is released. On NIO's shared pool (one thread
/// per core) two such spinners, from two applications in one process as the test suite runs them, held
/// every thread: the lock holders could never run their COMMIT and the whole process stopped (CI,
/// stop 22). An application's Fluent pool holds one connection per event loop, so at most
/// `coreCount - 1` of its connections can be waiting on the one that writes: one thread more than that
/// leaves the writer a thread to finish on.
///
/// Pools are never shut down, but handed to the next application a while after theirs has stopped:
/// a connection still opening when its application shuts down runs its first statement afterwards,
/// and on a stopped pool that statement fails and drops the open connection (a debug-build crash).
final class SQLiteThreads: Sendable {
    static let shared = SQLiteThreads()
    static let threadsPerPool = System.coreCount + 1
    /// How long a returned pool rests before another application gets it.
    static let rest: Duration = .seconds(30)

    private let resting = NIOLockedValueBox<[NIOThreadPool]>([])

    /// A started pool no running application is using.
    func lease() -> NIOThreadPool {
        if let pool = resting.withLockedValue({ $0.popLast() }) { return pool }
        let pool = NIOThreadPool(numberOfThreads: Self.threadsPerPool)
        pool.start()
        return pool
    }

    /// Takes `pool` back from an application that has shut down.
    func giveBack(_ pool: NIOThreadPool) {
        Task.detached {
            try? await Task.sleep(for: Self.rest)
            self.resting.withLockedValue { $0.append(pool) }
        }
    }

    /// `configuration` with its connections on `threads` (Fluent hands a driver the application's pool).
    static func database(_ configuration: DatabaseConfigurationFactory, on threads: NIOThreadPool) -> DatabaseConfigurationFactory {
        .init { OnThreads(inner: configuration.make(), threads: threads) }
    }

    /// Gives the pool back when the application stops.
    struct Lease: LifecycleHandler {
        let threads: NIOThreadPool
        func shutdownAsync(_ application: Application) async { SQLiteThreads.shared.giveBack(threads) }
    }

    private struct OnThreads: DatabaseConfiguration {
        var inner: any DatabaseConfiguration
        let threads: NIOThreadPool
        var middleware: [any AnyModelMiddleware] {
            get { inner.middleware }
            set { inner.middleware = newValue }
        }
        func makeDriver(for databases: Databases) -> any DatabaseDriver {
            inner.makeDriver(for: Databases(threadPool: threads, on: databases.eventLoopGroup))
        }
    }
}
