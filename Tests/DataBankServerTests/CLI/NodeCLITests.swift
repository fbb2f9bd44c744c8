@testable import DataBankServer
import Foundation
import Testing

/// `databank node`: init and show print the identity and the public key; a peer on a private address
/// without DATABANK_FEDERATION_ALLOW, an unknown peer and a bad key are one error line, exit 1.
@Suite("Node command")
struct NodeCLITests {
    @Test func initShowAddPeerAndRefusals() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: CLIFailureTests.binary.path), "build the databank binary first")
        let dir = try CLIFailureTests.scratch()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = "sqlite://" + dir.appendingPathComponent("db.sqlite").path
        #expect(try await CLIFailureTests.run(["migrate", "-y"], in: dir, database: url).status == 0)
        let named = try await CLIFailureTests.run(
            ["node", "init", "--code", "foshan", "--name", "佛山市", "--name-en", "Foshan", "--region", "440600"], in: dir, database: url)
        #expect(named.status == 0, "\(named.stderr)")
        let show = try await CLIFailureTests.run(["node", "show"], in: dir, database: url)
        #expect(show.status == 0, "\(show.stderr)")
        #expect(
            show.stdout.contains("code\tfoshan\n") && show.stdout.contains("region\t440600\n") && show.stdout.contains("name_en\tFoshan\n"), "\(show.stdout)")
        let key = try #require(show.stdout.split(separator: "\n").first { $0.hasPrefix("public_key\t") }?.dropFirst("public_key\t".count))
        #expect(Data(base64Encoded: String(key))?.count == 32)
        // The same key on every run: derived from the platform key, never generated again.
        #expect(try await CLIFailureTests.run(["node", "show"], in: dir, database: url).stdout == show.stdout)

        let loopback = [
            "node", "add-peer", "chancheng", "--relation", "child", "--name", "禅城区", "--region", "440604", "--url", "http://127.0.0.1:8081", "--key",
            String(key)
        ]
        let refused = try await CLIFailureTests.run(loopback, in: dir, database: url)
        CLIFailureTests.expectOneErrorLine(refused, status: 1, "a loopback peer without DATABANK_FEDERATION_ALLOW")
        #expect(refused.stderr.contains("DATABANK_FEDERATION_ALLOW"), "\(refused.stderr)")
        var badKey = loopback
        badKey[badKey.count - 1] = "not-a-key"
        CLIFailureTests.expectOneErrorLine(try await CLIFailureTests.run(badKey, in: dir, database: url), status: 1, "a bad key")
        for args in [["node", "ping", "nope"], ["node", "pull", "nope"], ["node", "remove-peer", "nope"]] {
            let r = try await CLIFailureTests.run(args, in: dir, database: url)
            CLIFailureTests.expectOneErrorLine(r, status: 1, args.joined(separator: " "))
            #expect(r.stderr.contains("no peer node nope"), "\(r.stderr)")
        }
        let peers = try await CLIFailureTests.run(["node", "peers"], in: dir, database: url)
        #expect(peers.status == 0 && peers.stdout == "code\trelation\tregion\tname\tbase_url\tpublic_key\tname_en\n", "\(peers.stdout)")
        // Rotating prints the new key; a peer's new key is refused for a node that is not a peer, or when it is no key.
        let rotated = try await CLIFailureTests.run(["node", "rotate-key"], in: dir, database: url)
        #expect(rotated.status == 0 && rotated.stdout.contains("public_key\t") && !rotated.stdout.contains(String(key)), "\(rotated.stdout)")
        CLIFailureTests.expectOneErrorLine(
            try await CLIFailureTests.run(["node", "set-key", "nope", "--key", String(key)], in: dir, database: url), status: 1, "set-key of no peer")
    }
}
