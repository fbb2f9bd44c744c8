import Foundation
import SQLKit

#if canImport(Glibc)
    import Glibc
#endif

/// CPU seconds spent by the work a bench scenario starts: its finished child processes (the
/// `databank load` it waits for) and, when the database is a PostgreSQL server on this machine, the
/// server's processes. On a shared machine wall time moves with whatever else runs; the CPU a
/// piece of work costs moves far less, so overheads are compared on it.
struct BenchCPU: Sendable {
    /// Seconds of user + system time of this process's waited-for children.
    var children: Double
    /// Seconds of user + system time of the local PostgreSQL server (nil: none found in /proc).
    var postgres: Double?

    var total: Double { children + (postgres ?? 0) }

    /// `postmaster`: the PostgreSQL server to count as well (its pid, ``postmaster(of:)``) — only that
    /// one, as another cluster on the machine (another engineer's tests) is none of the bench's work;
    /// nil (SQLite, or a server elsewhere) counts the children only.
    static func now(postmaster: Int?) -> BenchCPU {
        BenchCPU(children: childrenSeconds(), postgres: postmaster.flatMap(postgresSeconds))
    }

    /// The pid of the local server behind `sql`'s connection (its backend's parent), or nil when the
    /// server is not on this machine or not PostgreSQL.
    static func postmaster(of sql: any SQLDatabase) async -> Int? {
        guard let row = try? await sql.raw("SELECT pg_backend_pid() AS pid").first(),
            let backend = try? row.decode(column: "pid", as: Int.self)
        else { return nil }
        return postmaster(ofBackend: backend)
    }

    /// The parent of the backend `pid` (from `pg_backend_pid()`), when it runs on this machine.
    static func postmaster(ofBackend pid: Int) -> Int? { stat(pid).flatMap { Int($0[1]) } }

    /// The fields of `/proc/PID/stat` after "(comm)" — state ppid … — for a process named `postgres`.
    private static func stat(_ pid: Int) -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"),
            text[text.index(after: open)..<close] == "postgres"
        else { return nil }
        return text[text.index(close, offsetBy: 2)...].split(separator: " ")
    }

    /// What ran between `start` and `self`.
    func since(_ start: BenchCPU) -> BenchCPU {
        BenchCPU(
            children: children - start.children,
            postgres: postgres.flatMap { end in start.postgres.map { end - $0 } })
    }

    private static func childrenSeconds() -> Double {
        var usage = rusage()
        guard getrusage(RUSAGE_CHILDREN.rawValue, &usage) == 0 else { return 0 }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    /// The postmaster and its processes: their own user + system time, and for the postmaster also
    /// that of its finished children, so a backend that came and went between two readings (a load's
    /// connections) is counted.
    private static func postgresSeconds(_ postmaster: Int) -> Double? {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return nil }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        var stats: [Int: [Substring]] = [:]
        for entry in entries {
            // Fields after "(comm)": state ppid … utime(14) stime(15) cutime(16) cstime(17), counted from 1.
            guard let pid = Int(entry), let fields = stat(pid) else { continue }
            if pid != postmaster, Int(fields[1]) != postmaster { continue }
            stats[pid] = fields
        }
        guard !stats.isEmpty else { return nil }
        var total = 0.0
        for (_, fields) in stats where fields.count > 14 {
            let number = { (i: Int) in Double(fields[i - 3]) ?? 0 }
            total += number(14) + number(15)
            if Int(fields[1]) != postmaster { total += number(16) + number(17) }
        }
        return total / ticks
    }
}
