/// The names DataBank's catalog terms take in CKAN: CKAN names are lower-case letters, digits,
/// `-` and `_` (2–100 characters), so themes become kebab-case (`socialSecurity` → `social-security`);
/// resource codes (`101001-00023`) and department codes (digits) already are names.
public enum CKANNames {
    /// The group name of a theme.
    public static func group(_ theme: Theme) -> String {
        var out = ""
        for c in theme.rawValue {
            if c.isUppercase { out += "-" + c.lowercased() } else { out.append(c) }
        }
        return out
    }

    /// The theme a group name (or the theme's own token) names.
    public static func theme(group name: String) -> Theme? {
        Theme.allCases.first { group($0) == name || $0.rawValue == name }
    }

    /// The license a package shows: 无条件开放 data is open (`other-open`), everything else is
    /// `other-closed` (its conditions are in the extras).
    public static func license(_ open: OpenType) -> (id: String, title: String) {
        open == .unconditional ? ("other-open", "Other (Open)") : ("other-closed", "Other (Not Open)")
    }

    /// The open types a license id stands for.
    public static func openTypes(license id: String) -> [OpenType] {
        switch id {
        case "other-open": return [.unconditional]
        case "other-closed": return [.conditional, .closed]
        default: return []
        }
    }

    /// The one resource format DataBank's datastore resources show (dumps also give TSV and JSON).
    public static let datastoreFormat = "CSV"
}

/// CKAN's `sort` for `package_search` ("score desc, metadata_modified desc", "name asc", …) in
/// the catalog search's terms: the first sort field decides (the catalog breaks ties by code).
public enum CKANPackageSort {
    public static func catalogSort(_ text: String?, hasQuery: Bool) -> Result<String, CKANInvalid> {
        guard let text, !text.ckanTrimmed.isEmpty else { return .success(hasQuery ? "relevance" : "code") }
        let first = text.split(separator: ",").first.map { String($0).ckanTrimmed } ?? ""
        let parts = first.split(separator: " ").map(String.init)
        guard (1...2).contains(parts.count) else { return .failure(CKANInvalid("sort", "Invalid sort \(text)")) }
        let descending: Bool
        switch parts.count == 2 ? parts[1].lowercased() : "asc" {
        case "asc": descending = false
        case "desc": descending = true
        default: return .failure(CKANInvalid("sort", "Invalid sort direction \(parts[1]); asc or desc"))
        }
        switch parts[0] {
        case "score", "rank": return .success(hasQuery ? "relevance" : "code")
        case "name", "id": return .success(descending ? "-code" : "code")
        case "title", "title_string": return .success(descending ? "-name" : "name")
        case "metadata_modified", "metadata_created": return .success(descending ? "-updated" : "updated")
        default:
            return .failure(
                CKANInvalid("sort", "Cannot sort by \(parts[0]); sort by score, name, title_string, metadata_modified or metadata_created"))
        }
    }
}
