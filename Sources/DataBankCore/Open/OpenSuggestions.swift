/// What a search that found nothing suggests: close spellings of the query taken from the names
/// and tags the portal shows. A Chinese query is compared with every run of the same length
/// (and one more or one less) in the names, so "企业等记" finds "企业登记" inside "企业登记信息表";
/// a Latin query is compared word by word, case-insensitively.
public enum OpenSuggestions {
    /// Up to `limit` texts within one edit (two for queries of five characters or more) of `query`,
    /// closest first, then the most frequent; never the query itself.
    public static func closeSpellings(_ query: String, in names: [String], limit: Int = 3) -> [String] {
        let q = Array(query.trimmingCharacters(in: .whitespacesAndNewlines).lowercased())
        guard q.count >= 2, q.count <= 40 else { return [] }
        let allowed = q.count >= 5 ? 2 : 1
        let han = q.contains { $0.unicodeScalars.first.map { (0x4E00...0x9FFF).contains($0.value) } ?? false }
        var found: [String: (distance: Int, seen: Int)] = [:]
        func consider(_ candidate: [Character]) {
            guard candidate != q, !candidate.isEmpty else { return }
            let d = distance(q, candidate, bound: allowed)
            guard d <= allowed else { return }
            let text = String(candidate)
            let old = found[text]
            found[text] = (min(d, old?.distance ?? d), (old?.seen ?? 0) + 1)
        }
        for name in names {
            let chars = Array(name.lowercased())
            if han {
                for length in Swift.max(2, q.count - 1)...(q.count + 1) where length <= chars.count {
                    for start in 0...(chars.count - length) { consider(Array(chars[start..<start + length])) }
                }
            } else {
                for word in name.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }) { consider(Array(word)) }
            }
        }
        return found.sorted { ($0.value.distance, -$0.value.seen, $0.key) < ($1.value.distance, -$1.value.seen, $1.key) }
            .prefix(limit).map(\.key)
    }

    /// Levenshtein distance, giving up (answering `bound + 1`) once it must exceed `bound`.
    static func distance(_ a: [Character], _ b: [Character], bound: Int) -> Int {
        if abs(a.count - b.count) > bound { return bound + 1 }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...Swift.max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var rowMin = current[0]
            for j in 1...Swift.max(b.count, 1) where !b.isEmpty {
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                rowMin = Swift.min(rowMin, current[j])
            }
            if rowMin > bound { return bound + 1 }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
