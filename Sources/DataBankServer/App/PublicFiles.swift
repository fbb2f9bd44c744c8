import Vapor

/// Serves the bundled `Public` files, and asks the file system only about paths that can be one.
///
/// Vapor's `FileMiddleware` looks every request's path up on disk through NIO's file-system thread
/// pool (a thread hop and a wake-up per request, API reads included); the folder's top-level names
/// are listed once here, and any other path goes straight on.
struct PublicFilesMiddleware: AsyncMiddleware {
    let files: FileMiddleware
    let topLevelNames: Set<String>

    init(publicDirectory: String) {
        files = FileMiddleware(publicDirectory: publicDirectory, defaultFile: nil)
        topLevelNames = Set((try? FileManager.default.contentsOfDirectory(atPath: publicDirectory)) ?? [])
    }

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let path = req.url.path.utf8.dropFirst()  // after the leading "/"
        let first = path.split(separator: UInt8(ascii: "/"), maxSplits: 1, omittingEmptySubsequences: false).first ?? path[...]
        // Percent-encoded names are rare enough to take the slow path rather than be decoded here.
        guard first.contains(UInt8(ascii: "%")) || topLevelNames.contains(String(decoding: first, as: UTF8.self)) else {
            return try await next.respond(to: req)
        }
        return try await files.respond(to: req, chainingTo: next)
    }
}
