@testable import DataBankServer
import Foundation
import Testing

/// The texts every audited request writes, made by hand for speed: they must equal what the
/// library formatters made.
@Suite("Audit texts")
struct AuditTextTests {
    /// Entry times: the ISO 8601 format style's text, to the millisecond, across years, leap days and midnight.
    @Test(arguments: [0, 951_782_400.5, 1_709_164_799.75, 1_764_892_800.125, 1_795_000_000.375, 4_102_444_799.875])
    func timestampsMatchTheFormatStyle(_ seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        // Fractions a binary double holds exactly: no rounding question between the two.
        let expected = date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
        #expect(date.iso8601Millis == expected)
    }

    /// Hex digests: lower case, two digits a byte, as `String(format: "%02x")` wrote them.
    @Test func hexMatchesPrintf() {
        let bytes: [UInt8] = [0, 1, 0x0f, 0x10, 0x7f, 0x80, 0xab, 0xff]
        #expect(bytes.hexString == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(UserToken.hash("dbk_x").count == 64)
    }
}
