/// Validates a delimited file fed in chunks: decodes it (the encoding detected from the start,
/// as loads do), splits records, takes the first as the header and checks every other one with a
/// ``CellValidator``. Memory is one chunk plus what uniqueness must remember.
public final class CSVValidation {
    let layout: RecordLayout
    let rules: [QualityRule]
    let today: CivilDate
    let requestedEncoding: TextEncoding?
    var parser: CSVParser
    var transcoder: TextTranscoder?
    var pending: [UInt8] = []
    var utf8: [UInt8] = []
    public private(set) var validator: CellValidator?
    public private(set) var encoding: TextEncoding?
    var setupError: ValidatorSetupError?
    /// Data records read so far.
    var records = 0

    public init(layout: RecordLayout, rules: [QualityRule], today: CivilDate, delimiter: UInt8 = UInt8(ascii: ","), encoding: TextEncoding? = nil) {
        self.layout = layout; self.rules = rules; self.today = today
        self.requestedEncoding = encoding
        parser = CSVParser(delimiter: delimiter)
    }

    /// Feeds the next chunk; throws when the header does not fit or the rules do not compile.
    public func feed(_ chunk: UnsafeBufferPointer<UInt8>) throws(ValidatorSetupError) {
        if transcoder == nil {
            pending.append(contentsOf: chunk)
            if pending.count < 64 * 1024 { return }
            start()
        } else {
            transcoder?.convert(chunk, final: false, into: &utf8)
        }
        try parse()
    }

    /// Ends the input and answers the report.
    public func finish() throws(ValidatorSetupError) -> ValidationReport {
        if transcoder == nil { start() }
        transcoder?.convert(UnsafeBufferPointer(start: nil, count: 0), final: true, into: &utf8)
        try parse()
        parser.finish { self.accept($0) }
        if let setupError { throw setupError }
        return validator?.report ?? ValidationReport()
    }

    /// Values waiting for a reference lookup, by rule index.
    public var pendingReferences: [[(row: Int, value: String)]] { validator?.pendingReferences ?? [] }

    public func recordMissing(rule: Int, _ missing: [(row: Int, value: String)]) {
        validator?.pendingReferences[rule] = []
        if !missing.isEmpty { validator?.addMissingReferences(rule: rule, missing) }
    }

    func start() {
        var bom = 0
        let detected: TextEncoding
        if let requestedEncoding {
            detected = requestedEncoding
            if detected == .utf8 && pending.starts(with: [0xEF, 0xBB, 0xBF]) { bom = 3 }
        } else {
            (detected, bom) = pending.withUnsafeBufferPointer { TextEncoding.detect($0) }
        }
        encoding = detected
        transcoder = try? TextTranscoder(detected)
        let data = pending
        pending = []
        data.withUnsafeBufferPointer { transcoder?.convert(UnsafeBufferPointer(rebasing: $0[bom...]), final: false, into: &utf8) }
    }

    func parse() throws(ValidatorSetupError) {
        defer { utf8.removeAll(keepingCapacity: true) }
        utf8.withUnsafeBufferPointer { bytes in parser.feed(bytes) { self.accept($0) } }
        if let setupError { throw setupError }
    }

    func accept(_ record: CSVRecord) {
        guard setupError == nil else { return }
        guard validator != nil else {
            let header = (0..<record.count).map(record.string)
            do { validator = try CellValidator(layout: layout, rules: rules, header: header, today: today) } catch { setupError = error }
            return
        }
        // Rows are numbered as records, the header being row 1 (Frictionless's `rowNumber`), so a
        // quoted field spanning lines does not shift them; the line says where the record starts.
        records += 1
        validator!.validate(row: records + 1, line: record.line, fieldCount: record.count) { record.field($0) }
    }
}
