/// Turns text into the terms of DataBank's search index.
///
/// Chinese is written without spaces, so runs of Han characters are indexed as overlapping
/// character bigrams ("企业登记" → 企业, 业登, 登记): any query of two or more characters is
/// then found by intersecting its bigrams, with no dictionary. A document also indexes each
/// Han character on its own, so a one-character query ("车") is an index lookup too. Runs of
/// letters and digits become lower-cased words.
public enum SearchTerms {
    /// The terms a query is looked up by: bigrams of each Han run (a lone character stays
    /// one term), and words. Every one must be in a document for it to match.
    public static func terms(in text: String) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        func add(_ t: String) { if seen.insert(t).inserted { out.append(t) } }
        forEachRun(in: text) { run, isHan in
            if isHan {
                if run.count == 1 { add(String(run[0])); return }
                for i in 0..<(run.count - 1) { add(String(run[i]) + String(run[i + 1])) }
            } else {
                add(String(String.UnicodeScalarView(run)).lowercased())
            }
        }
        return out
    }

    /// The terms a query is looked up by. Runs of six or more Han characters use a cover of
    /// non-overlapping bigrams (every character still in one): "统一社会信用代码" → 统一, 社会,
    /// 信用, 代码 — half the index entries to intersect for the long phrases users paste, while
    /// short queries keep every bigram, so "企业信息" never matches "企业登记信息表".
    public static func queryTerms(in text: String) -> [String] {
        var out: [String] = []
        var seen: Set<String> = []
        func add(_ t: String) { if seen.insert(t).inserted { out.append(t) } }
        forEachRun(in: text) { run, isHan in
            guard isHan else { add(String(String.UnicodeScalarView(run)).lowercased()); return }
            if run.count == 1 { add(String(run[0])); return }
            let starts = run.count >= 6 ? Array(stride(from: 0, to: run.count - 1, by: 2)) + (run.count % 2 == 1 ? [run.count - 2] : [])
                                        : Array(0..<(run.count - 1))
            for i in starts { add(String(run[i]) + String(run[i + 1])) }
        }
        return out
    }

    /// The terms a document is indexed under: its query terms plus every Han character alone,
    /// so that any query's terms are found among them.
    public static func documentTerms(in text: String) -> [String] {
        var out = terms(in: text)
        var seen = Set(out)
        for s in text.unicodeScalars where isHan(s) {
            let t = String(s)
            if seen.insert(t).inserted { out.append(t) }
        }
        return out
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
