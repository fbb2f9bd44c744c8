/// Turns text into the terms of DataBank's search index, the same way for documents and queries.
///
/// Chinese is written without spaces, so runs of Han characters are indexed as overlapping
/// character bigrams ("企业登记" → 企业, 业登, 登记): any query of two or more characters is
/// then found by intersecting its bigrams, with no dictionary. Runs of letters and digits
/// become lower-cased words. A lone Han character (a one-character run) is kept as a unigram.
public enum SearchTerms {
    public static func terms(in text: String) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        func add(_ t: String) { if seen.insert(t).inserted { out.append(t) } }
        forEachRun(in: text) { run, isHan in
            if isHan {
                if run.count == 1 { add(String(run[0])); return }
                for i in 0..<(run.count - 1) { add(String(run[i]) + String(run[i + 1])) }
            } else if run.count >= 1 {
                add(String(String.UnicodeScalarView(run)).lowercased())
            }
        }
        return out
    }

    /// Whether the query can be answered from the index alone. A single Han character
    /// inside a longer document run is not indexed as a unigram, so such queries need a scan.
    public static func isIndexable(_ query: String) -> Bool {
        var ok = true, any = false
        forEachRun(in: query) { run, isHan in
            any = true
            if isHan && run.count == 1 { ok = false }
        }
        return ok && any
    }

    private static func forEachRun(in text: String, _ body: ([Unicode.Scalar], Bool) -> Void) {
        var run: [Unicode.Scalar] = []
        var runIsHan = false
        for s in text.unicodeScalars {
            let han = isHan(s)
            let word = !han && (s.properties.isAlphabetic || s.properties.numericType != nil) && !isPunctuation(s)
            if han || word {
                if !run.isEmpty && runIsHan != han { body(run, runIsHan); run.removeAll(keepingCapacity: true) }
                runIsHan = han
                run.append(s)
            } else if !run.isEmpty {
                body(run, runIsHan); run.removeAll(keepingCapacity: true)
            }
        }
        if !run.isEmpty { body(run, runIsHan) }
    }

    static func isHan(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x4E00...0x9FFF, 0x3400...0x4DBF, 0x20000...0x2A6DF, 0xF900...0xFAFF: return true
        default: return false
        }
    }

    private static func isPunctuation(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation: return true
        default: return false
        }
    }
}
