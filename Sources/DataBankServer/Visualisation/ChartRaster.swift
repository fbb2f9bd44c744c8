import Foundation
import Vapor

/// SVG → PNG through `rsvg-convert` (Debian `librsvg2-bin`), run as a child process on a thread
/// of its own, never on a cooperative thread: the SVG is handed over as a temporary file (a pipe
/// the child stops reading would raise SIGPIPE in the server), the PNG comes back on stdout, and a
/// child that runs past `limit` is killed. A missing tool is a 503
/// `raster_unavailable`, not a crash; a CJK font (`fonts-noto-cjk` or `fonts-wqy-microhei`) must be
/// installed for Chinese labels to draw.
enum ChartRaster {
    /// Where the tool is looked for: `DATABANK_RSVG_CONVERT`, else `rsvg-convert` on `PATH`.
    static func toolPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if let explicit = environment["DATABANK_RSVG_CONVERT"], !explicit.isEmpty {
            return FileManager.default.isExecutableFile(atPath: explicit) ? explicit : nil
        }
        let dirs = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
        return dirs.map { "\($0)/rsvg-convert" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static func unavailable(_ why: String) -> AppError {
        AppError(.serviceUnavailable, "raster_unavailable", "PNG rendering is unavailable: \(why) (install the Debian package librsvg2-bin)")
    }

    /// The PNG of `svg`, `scale` times its drawn size (2 for sharp images on dense screens).
    static func png(_ svg: String, scale: Double = 1, tool: String? = toolPath(), limit: Duration = .seconds(20)) async throws -> Data {
        guard let tool else { throw unavailable("rsvg-convert was not found") }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("databank-chart-\(UUID().uuidString).svg")
        let arguments = ["--format", "png", "--zoom", String(format: "%.2f", scale), file.path]
        let result = try await run(tool, arguments, input: Data(svg.utf8), file: file, limit: limit)
        if result.timedOut { throw unavailable("rsvg-convert ran longer than its limit") }
        guard result.status == 0, result.output.starts(with: pngSignature) else {
            throw AppError(.internalServerError, "raster_failed", "rsvg-convert failed: \(result.error.prefix(300))")
        }
        return result.output
    }

    static let pngSignature = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])

    /// The width and height a PNG's header declares.
    static func size(ofPNG data: Data) -> (width: Int, height: Int)? {
        guard data.count >= 24, data.starts(with: pngSignature) else { return nil }
        let bytes = [UInt8](data.prefix(24))
        func int(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        return (int(16), int(20))
    }

    struct Output: Sendable {
        var status: Int32, output: Data, error: String, timedOut: Bool
    }

    /// Runs the child on a detached thread (its pipes drained there), resuming the caller when it ends.
    static func run(_ executable: String, _ arguments: [String], input: Data, file: URL, limit: Duration) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        defer { try? FileManager.default.removeItem(at: file) }
                        try input.write(to: file)
                        return try blockingRun(executable, arguments, limit)
                    })
            }
        }
    }

    private static func blockingRun(_ executable: String, _ arguments: [String], _ limit: Duration) throws -> Output {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdout = Pipe(), stderr = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdout
        process.standardError = stderr
        do {
            try process.run()
        } catch {
            throw unavailable("\(executable) could not be started")
        }
        let killed = RasterFlag()
        let killer = DispatchWorkItem {
            if process.isRunning {
                killed.set()
                process.terminate()
            }
        }
        let seconds = Double(limit.components.seconds) + Double(limit.components.attoseconds) / 1e18
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: killer)
        // Both pipes drained at once: a chatty stderr cannot fill its pipe while stdout is read.
        let group = DispatchGroup()
        let errorData = RasterBox()
        group.enter()
        Thread.detachNewThread {
            errorData.set(stderr.fileHandleForReading.readDataToEndOfFile())
            group.leave()
        }
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        killer.cancel()
        return Output(
            status: process.terminationStatus, output: out, error: String(decoding: errorData.get(), as: UTF8.self), timedOut: killed.isSet)
    }
}

private final class RasterFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}

private final class RasterBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()
    func set(_ d: Data) { lock.withLock { data = d } }
    func get() -> Data { lock.withLock { data } }
}
