/// Writes a ZIP archive as a stream, one entry after another, in constant memory: each entry is
/// a local header, its bytes as they come (stored, or deflated by the ``RawDeflater`` given), and a
/// data descriptor with the CRC-32 and sizes known only at its end (general purpose bit 3); the
/// central directory follows the last entry. Nothing is seeked back to, so the bytes can go straight
/// to an HTTP response.
///
/// Without ZIP64, an entry and the archive stay under 4 GiB (``limit``): far above what one
/// download of a store makes at the platform's scale; the writer refuses rather than corrupts.
public struct ZipStreamWriter: Sendable {
    public enum Failure: Error, Equatable { case tooLarge, noOpenEntry }

    struct Central: Sendable {
        var name: [UInt8], crc: UInt32, compressed: UInt32, size: UInt32, offset: UInt32
    }

    public static let limit = Int(UInt32.max) - 1

    private var central: [Central] = []
    private var offset = 0
    private var current: (name: [UInt8], offset: Int, crc: CRC32, size: Int, compressed: Int)?
    /// Deflates every entry when set (method 8); else entries are stored (method 0).
    private let deflater: (any RawDeflater)?
    private var method: UInt16 { deflater == nil ? 0 : 8 }
    /// MS-DOS date and time of every entry (1 January 2026, 00:00): downloads of the same data are the same bytes.
    private let dosTime: UInt16 = 0, dosDate: UInt16 = UInt16((2026 - 1980) << 9 | 1 << 5 | 1)

    public init(deflater: (any RawDeflater)? = nil) {
        self.deflater = deflater
    }

    /// The local header of a new entry (UTF-8 name, flag bit 11), closing none: call ``endEntry()`` first.
    public mutating func beginEntry(_ name: String) -> [UInt8] {
        let nameBytes = Array(name.utf8)
        var out: [UInt8] = []
        out.le32(0x0403_4b50)
        out.le16(20)  // version needed: 2.0
        out.le16(1 << 3 | 1 << 11)  // sizes in a data descriptor; UTF-8 names
        out.le16(method)
        out.le16(dosTime); out.le16(dosDate)
        out.le32(0); out.le32(0); out.le32(0)  // CRC and sizes: in the descriptor
        out.le16(UInt16(nameBytes.count)); out.le16(0)
        out += nameBytes
        current = (nameBytes, offset, CRC32(), 0, 0)
        offset += out.count
        return out
    }

    /// The archive bytes for `bytes` of the open entry (themselves, or what the deflater gives so far), counted.
    public mutating func write(_ bytes: [UInt8]) throws -> [UInt8] {
        guard var entry = current else { throw Failure.noOpenEntry }
        entry.crc.update(bytes)
        entry.size += bytes.count
        let out = try deflater?.deflate(bytes) ?? bytes
        entry.compressed += out.count
        offset += out.count
        guard entry.size <= Self.limit, offset <= Self.limit else { throw Failure.tooLarge }
        current = entry
        return out
    }

    /// The rest of the open entry's compressed bytes (none when stored) and its data descriptor.
    public mutating func endEntry() throws -> [UInt8] {
        guard var entry = current else { throw Failure.noOpenEntry }
        current = nil
        var out = try deflater?.finish() ?? []
        entry.compressed += out.count
        offset += out.count
        let crc = entry.crc.value
        out.le32(0x0807_4b50)
        out.le32(crc); out.le32(UInt32(entry.compressed)); out.le32(UInt32(entry.size))
        central.append(
            Central(name: entry.name, crc: crc, compressed: UInt32(entry.compressed), size: UInt32(entry.size), offset: UInt32(entry.offset)))
        offset += 16
        guard offset <= Self.limit else { throw Failure.tooLarge }
        return out
    }

    /// The central directory and its end record: the archive's last bytes.
    public mutating func finish() throws -> [UInt8] {
        if current != nil { throw Failure.noOpenEntry }
        var out: [UInt8] = []
        for e in central {
            out.le32(0x0201_4b50)
            out.le16(20); out.le16(20)  // made by, needed
            out.le16(1 << 3 | 1 << 11); out.le16(method)
            out.le16(dosTime); out.le16(dosDate)
            out.le32(e.crc); out.le32(e.compressed); out.le32(e.size)
            out.le16(UInt16(e.name.count)); out.le16(0); out.le16(0)  // name, extra, comment lengths
            out.le16(0); out.le16(0); out.le32(0)  // disk, internal and external attributes
            out.le32(e.offset)
            out += e.name
        }
        var end: [UInt8] = []
        end.le32(0x0605_4b50)
        end.le16(0); end.le16(0)
        end.le16(UInt16(central.count)); end.le16(UInt16(central.count))
        end.le32(UInt32(out.count)); end.le32(UInt32(offset))
        end.le16(0)
        return out + end
    }
}

/// Raw deflate (RFC 1951, no zlib or gzip wrapper) of one ZIP entry at a time, as bytes arrive.
/// Core has no zlib; the server gives one (its `ZlibDeflater`). One writer uses it at a time.
public protocol RawDeflater: AnyObject, Sendable {
    /// The compressed bytes ready for `bytes` (often none: the compressor holds back a window's worth).
    func deflate(_ bytes: [UInt8]) throws -> [UInt8]
    /// The entry's last compressed bytes; the deflater is then ready for the next entry.
    func finish() throws -> [UInt8]
}

/// CRC-32 (IEEE 802.3, the one ZIP uses), table-driven.
public struct CRC32: Sendable {
    private var crc: UInt32 = 0xFFFF_FFFF
    public init() {}

    static let table: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    public mutating func update(_ bytes: [UInt8]) {
        var c = crc
        Self.table.withUnsafeBufferPointer { t in
            for b in bytes { c = t[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        crc = c
    }

    public var value: UInt32 { crc ^ 0xFFFF_FFFF }
}

extension [UInt8] {
    mutating func le16(_ v: UInt16) { append(UInt8(v & 0xFF)); append(UInt8(v >> 8)) }
    mutating func le32(_ v: UInt32) { for shift in stride(from: 0, to: 32, by: 8) { append(UInt8((v >> UInt32(shift)) & 0xFF)) } }
}
