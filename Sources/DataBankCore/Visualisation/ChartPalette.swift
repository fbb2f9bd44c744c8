import Foundation

/// The chart colours. The categorical set follows Okabe and Ito's colour-blind-safe palette,
/// darkened where needed so that every colour has at least 3:1 contrast against white (WCAG 2.1,
/// 1.4.11 non-text contrast); lines also differ by dash, so colour is never the only cue.
/// The sequential ramp is viridis (perceptually even, readable in every common colour-vision
/// deficiency, and in greyscale), light for low values and dark for high.
public enum ChartPalette {
    public static let categorical = ["#0072B2", "#D55E00", "#007A5E", "#B0548C", "#8A6A00", "#5A4AA8", "#5F6B73", "#A23B2A"]

    public static let sequential = ["#FDE725", "#A0DA39", "#4AC16D", "#1FA187", "#277F8E", "#365C8D", "#46327E", "#440154"]

    /// Dash patterns of line series, in the order of the colours.
    public static let dashes = ["", "6 3", "2 3", "8 3 2 3", "4 4", "1 2", "10 4", "3 6"]

    public static let text = "#1F2328", mutedText = "#57606A", grid = "#E3E8EC", axis = "#8C959F"
    public static let missing = "#EEF1F4", background = "#FFFFFF", suppressed = "#8C959F"
    public static let positive = "#1A7F37", negative = "#CF222E"

    /// The colour of series `index`, the spec's own first.
    public static func colour(_ index: Int, custom: [String] = []) -> String {
        let valid = custom.filter(isHexColour)
        if !valid.isEmpty { return valid[index % valid.count] }
        return categorical[index % categorical.count]
    }

    /// The sequential colour for `fraction` (0...1) in `steps` classes.
    public static func sequential(_ fraction: Double, steps: Int = 6) -> String {
        let n = Swift.max(2, Swift.min(steps, sequential.count))
        let f = Swift.min(1, Swift.max(0, fraction.isFinite ? fraction : 0))
        let cls = Swift.min(n - 1, Int(f * Double(n)))
        return sequential[Int((Double(cls) / Double(n - 1) * Double(sequential.count - 1)).rounded())]
    }

    /// `#rrggbb` only: a spec's colours land in attributes, so nothing else is let through.
    public static func isHexColour(_ s: String) -> Bool {
        s.count == 7 && s.first == "#" && s.dropFirst().allSatisfy(\.isHexDigit)
    }

    /// Relative luminance (WCAG 2.1) of `#rrggbb`.
    public static func luminance(_ hex: String) -> Double {
        guard isHexColour(hex) else { return 1 }
        let v = Int(hex.dropFirst(), radix: 16) ?? 0
        func channel(_ c: Int) -> Double {
            let s = Double(c) / 255
            return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * channel(v >> 16 & 0xFF) + 0.7152 * channel(v >> 8 & 0xFF) + 0.0722 * channel(v & 0xFF)
    }

    /// The WCAG contrast ratio of two colours.
    public static func contrast(_ a: String, _ b: String) -> Double {
        let la = luminance(a), lb = luminance(b)
        return (Swift.max(la, lb) + 0.05) / (Swift.min(la, lb) + 0.05)
    }

    /// Black or white, whichever reads better on `fill`.
    public static func textOn(_ fill: String) -> String {
        contrast(fill, "#FFFFFF") >= contrast(fill, text) ? "#FFFFFF" : text
    }
}
