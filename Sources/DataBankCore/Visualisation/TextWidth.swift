/// An estimate of how wide a label is drawn, without a font: CJK characters are a full em,
/// digits and Latin letters about half of one. Good enough to size margins, decide whether
/// category labels fit, and cut a label with "…" before it runs into the next.
public enum TextWidth {
    /// The width in ems of `text` in a proportional sans-serif face.
    public static func ems(_ text: String) -> Double {
        text.unicodeScalars.reduce(0) { $0 + ems($1) }
    }

    /// The width in pixels at `fontSize`.
    public static func width(_ text: String, fontSize: Double) -> Double { ems(text) * fontSize }

    static func ems(_ c: Unicode.Scalar) -> Double {
        switch c.value {
        case 0x1100...0x115F, 0x2E80...0x303F, 0x3040...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
            return 1.0  // CJK ideographs, kana, hangul, full-width forms and punctuation
        case 0x30...0x39: return 0.56  // digits are tabular in most faces
        case 0x20: return 0.28
        case 0x2E, 0x2C, 0x3A, 0x3B, 0x27, 0x21, 0x7C, 0x69, 0x6C, 0x6A: return 0.28  // . , : ; ' ! | i l j
        case 0x4D, 0x57, 0x6D, 0x77: return 0.85  // M W m w
        case 0x41...0x5A: return 0.65
        case 0x2026: return 1.0
        default: return 0.55
        }
    }

    /// `text` cut with "…" so that it is at most `maxWidth` pixels wide; unchanged when it fits.
    public static func truncate(_ text: String, maxWidth: Double, fontSize: Double) -> String {
        if width(text, fontSize: fontSize) <= maxWidth { return text }
        let budget = maxWidth / fontSize - ems("…")
        var used = 0.0
        var out = ""
        for ch in text {
            let w = ems(String(ch))
            if used + w > budget { break }
            used += w
            out.append(ch)
        }
        return out + "…"
    }

    /// `text` broken into lines of at most `maxWidth` pixels: Latin at spaces, CJK between any two
    /// characters; the last allowed line is truncated with "…".
    public static func wrap(_ text: String, maxWidth: Double, fontSize: Double, maxLines: Int = 2) -> [String] {
        var lines: [String] = []
        var line = ""
        var word = ""
        func fits(_ s: String) -> Bool { width(s, fontSize: fontSize) <= maxWidth }
        func flushWord() {
            if fits(line + word) {
                line += word
            } else {
                if !line.isEmpty { lines.append(line.trimmingTrailingSpaces) }
                line = word.trimmingLeadingSpaces
                while !fits(line), line.count > 1 {  // a word longer than a line: cut it
                    var head = ""
                    for ch in line {
                        if !fits(head + String(ch)) { break }
                        head.append(ch)
                    }
                    if head.isEmpty { break }
                    lines.append(head)
                    line = String(line.dropFirst(head.count))
                }
            }
            word = ""
        }
        for ch in text {
            let isCJK = ch.unicodeScalars.first.map { ems($0) == 1.0 } ?? false
            if ch == " " || isCJK {
                if isCJK {
                    flushWord()
                    word = String(ch)
                    flushWord()
                } else {
                    word.append(ch)
                    flushWord()
                }
            } else {
                word.append(ch)
            }
        }
        flushWord()
        if !line.isEmpty { lines.append(line.trimmingTrailingSpaces) }
        if lines.count > maxLines {
            // The last line holds the rest of the text, cut with "…".
            var rest = Substring(text)
            for line in lines.prefix(maxLines - 1) {
                rest = rest.drop { $0 == " " }.dropFirst(line.count)
            }
            let last = truncate(String(rest.drop { $0 == " " }) + "…", maxWidth: maxWidth, fontSize: fontSize)
            lines = Array(lines.prefix(maxLines - 1)) + [last.hasSuffix("…") ? last : last + "…"]
        }
        return lines.isEmpty ? [""] : lines
    }
}

extension String {
    fileprivate var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }

    fileprivate var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}
