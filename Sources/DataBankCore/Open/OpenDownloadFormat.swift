/// The files the open portal offers for a dataset: the URL's file name (`data.csv` …), its media
/// type and its label. CSV comes twice: plain UTF-8 (what programs read) and with a byte-order
/// mark (`?bom=true`, what Excel needs to read Chinese text as UTF-8).
public enum OpenDownloadFormat: String, CaseIterable, Sendable {
    case csv, json, ndjson, xlsx

    /// `data.csv` → `.csv`; nil for any other name.
    public init?(fileName: String) {
        guard fileName.hasPrefix("data."), let f = OpenDownloadFormat(rawValue: String(fileName.dropFirst(5))) else { return nil }
        self = f
    }

    public var fileName: String { "data." + rawValue }

    public var contentType: String {
        switch self {
        case .csv: return "text/csv; charset=utf-8"
        case .json: return "application/json; charset=utf-8"
        case .ndjson: return "application/x-ndjson"
        case .xlsx: return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        }
    }

    public var label: String {
        switch self {
        case .csv: return "CSV"
        case .json: return "JSON"
        case .ndjson: return "NDJSON"
        case .xlsx: return "XLSX"
        }
    }
}

/// What the open portal counts per dataset (`open_counters.kind`).
public enum OpenUse: String, CaseIterable, Sendable {
    /// A file downloaded (any format).
    case download
    /// A preview page or its JSON.
    case preview
    /// A call of the portal's JSON data endpoint.
    case api
}
