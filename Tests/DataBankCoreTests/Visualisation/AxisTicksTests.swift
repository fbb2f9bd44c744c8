import Foundation
import Testing
@testable import DataBankCore

@Suite("Chart axes and numbers")
struct AxisTicksTests {
    /// Every tick is a multiple of 1, 2 or 5 × 10ⁿ, there are 4 to 7 of them, and they cover the data.
    @Test func ticksAreNiceAndFew() {
        let ranges: [(Double, Double)] = [
            (0, 1), (0, 7), (0, 13), (0, 97), (0, 131_877), (3, 4.2), (-1_240, 2_530), (0.001, 0.0173), (12_000, 12_600), (0, 1e9)
        ]
        for (lo, hi) in ranges {
            let scale = AxisTicks.scale(min: lo, max: hi, includeZero: false)
            #expect((4...7).contains(scale.ticks.count), "\(lo)…\(hi): \(scale.ticks)")
            #expect(scale.lower <= lo && scale.upper >= hi, "\(lo)…\(hi) not covered by \(scale.ticks)")
            let exponent = floor(log10(scale.step))
            let mantissa = (scale.step / pow(10, exponent) * 1000).rounded() / 1000
            #expect([1, 2, 5].contains(mantissa), "step \(scale.step)")
        }
    }

    /// Bars start at zero: a range far from zero still gets a zero tick.
    @Test func barScalesIncludeZero() {
        let scale = AxisTicks.scale(min: 12_000, max: 12_600, includeZero: true)
        #expect(scale.ticks.first == 0)
        #expect(AxisTicks.scale(min: -30, max: -5, includeZero: true).ticks.last == 0)
    }

    /// One value or no spread still gives a usable axis, and ticks carry no binary noise.
    @Test func degenerateRangesAndCleanTicks() {
        #expect(AxisTicks.scale(min: 0, max: 0, includeZero: true).ticks == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(AxisTicks.scale(min: 5, max: 5, includeZero: true).ticks.last! >= 5)
        #expect(AxisTicks.scale(min: 0, max: 0.3, includeZero: true).ticks.contains(0.3))
    }

    /// Thousands separators, and negative numbers keep their sign.
    @Test func thousandsSeparators() {
        #expect(ChartNumberFormat.grouped(1_234_567) == "1,234,567")
        #expect(ChartNumberFormat.grouped(-1_234.5, decimals: 1) == "-1,234.5")
        #expect(ChartNumberFormat.grouped(999) == "999")
        #expect(ChartNumberFormat.grouped(-0.0001, decimals: 1) == "0.0")
        #expect(ChartNumberFormat.value(12.25) == "12.25")
        #expect(ChartNumberFormat.value(12.5) == "12.5")
    }

    /// 万/亿 in Chinese, K/M/B in English; small numbers stay as they are.
    @Test func abbreviations() {
        #expect(ChartNumberFormat.abbreviated(126_540, language: .zh) == "12.7万")
        #expect(ChartNumberFormat.abbreviated(350_000_000, language: .zh) == "3.5亿")
        #expect(ChartNumberFormat.abbreviated(10_000, language: .zh) == "1万")
        #expect(ChartNumberFormat.abbreviated(126_540, language: .en) == "127K")
        #expect(ChartNumberFormat.abbreviated(2_500_000, language: .en) == "2.5M")
        #expect(ChartNumberFormat.abbreviated(7_000_000_000, language: .en) == "7B")
        #expect(ChartNumberFormat.abbreviated(8_300, language: .zh) == "8,300")
        #expect(ChartNumberFormat.abbreviated(-45_000, language: .zh) == "-4.5万")
    }

    /// An axis's labels share one unit: 0, 5万, 10万, 15万 — not "50,000 / 10万".
    @Test func tickLabelsShareOneUnit() {
        let scale = AxisTicks.scale(min: 0, max: 131_877, includeZero: true)
        #expect(ChartNumberFormat.tickLabels(scale, language: .zh) == ["0", "5万", "10万", "15万"])
        #expect(ChartNumberFormat.tickLabels(scale, language: .en) == ["0", "50K", "100K", "150K"])
        let small = AxisTicks.scale(min: 0, max: 3_000, includeZero: true)
        #expect(ChartNumberFormat.tickLabels(small, language: .zh).last == "3,000")
    }

    /// Dates are written by their bucket in each language, and a long date axis labels every k-th
    /// bucket with k a natural stride of the unit.
    @Test func dateTicks() {
        let march = ChartDateAxis.calendar.date(from: DateComponents(year: 2026, month: 3, day: 9))!
        #expect(ChartDateAxis.label(march, unit: .day, language: .zh) == "3月9日")
        #expect(ChartDateAxis.label(march, unit: .month, language: .zh) == "2026年3月")
        #expect(ChartDateAxis.label(march, unit: .month, language: .en) == "Mar 2026")
        #expect(ChartDateAxis.label(march, unit: .quarter, language: .en) == "Q1 2026")
        #expect(ChartDateAxis.label(march, unit: .year, language: .zh) == "2026年")
        #expect(ChartDateAxis.labelled(count: 12, unit: .month, maxLabels: 6) == [0, 2, 4, 6, 8, 10])
        #expect(ChartDateAxis.labelled(count: 12, unit: .month, maxLabels: 4) == [0, 3, 6, 9])
        #expect(ChartDateAxis.labelled(count: 60, unit: .day, maxLabels: 10) == [0, 7, 14, 21, 28, 35, 42, 49, 56])
        #expect(ChartDateAxis.unit(spanning: 86_400 * 10) == .day)
        #expect(ChartDateAxis.unit(spanning: 86_400 * 60) == .week)
        #expect(ChartDateAxis.unit(spanning: 86_400 * 365) == .month)
        #expect(ChartDateAxis.unit(spanning: 86_400 * 365 * 3) == .quarter)
        #expect(ChartDateAxis.unit(spanning: 86_400 * 365 * 20) == .year)
    }
}

@Suite("Chart text width and palette")
struct TextWidthTests {
    /// CJK is a full em, digits and Latin about half.
    @Test func widthEstimate() {
        #expect(TextWidth.ems("佛山市") == 3)
        #expect(abs(TextWidth.ems("2026") - 4 * 0.56) < 1e-9)
        #expect(abs(TextWidth.ems("abc") - 1.65) < 1e-9)
        #expect(TextWidth.width("南海区", fontSize: 12) == 36)
    }

    /// A label too wide is cut with "…" and fits; one that fits is untouched.
    @Test func truncation() {
        let long = "佛山市禅城区祖庙街道社区居民委员会"
        let cut = TextWidth.truncate(long, maxWidth: 100, fontSize: 12)
        #expect(cut.hasSuffix("…"))
        #expect(TextWidth.width(cut, fontSize: 12) <= 100)
        #expect(long.hasPrefix(String(cut.dropLast())))
        #expect(TextWidth.truncate("南海区", maxWidth: 100, fontSize: 12) == "南海区")
    }

    /// Wrapping breaks Chinese anywhere, Latin at spaces, and stops at the line limit with "…".
    @Test func wrapping() {
        #expect(TextWidth.wrap("佛山市禅城区祖庙街道", maxWidth: 60, fontSize: 12) == ["佛山市禅城", "区祖庙街道"])
        #expect(TextWidth.wrap("Registered enterprises", maxWidth: 80, fontSize: 12) == ["Registered", "enterprises"])
        let three = TextWidth.wrap("一二三四五六七八九十一二三四五", maxWidth: 60, fontSize: 12)
        #expect(three.count == 2 && three[1].hasSuffix("…"))
    }

    /// Every categorical colour has 3:1 contrast on white (WCAG non-text contrast), the text colours
    /// 4.5:1, and a spec's colours are accepted only as #rrggbb.
    @Test func paletteContrast() {
        for c in ChartPalette.categorical { #expect(ChartPalette.contrast(c, "#FFFFFF") >= 3, "\(c)") }
        for c in [ChartPalette.text, ChartPalette.mutedText, ChartPalette.positive, ChartPalette.negative] {
            #expect(ChartPalette.contrast(c, "#FFFFFF") >= 4.5, "\(c)")
        }
        #expect(ChartPalette.colour(0, custom: ["red\" onload=\"x"]) == ChartPalette.categorical[0])
        #expect(ChartPalette.colour(1, custom: ["#112233", "#445566"]) == "#445566")
        // The sequential ramp runs from light to dark.
        let l = ChartPalette.sequential.map(ChartPalette.luminance)
        #expect(l == l.sorted(by: >))
        #expect(ChartPalette.textOn("#440154") == "#FFFFFF" && ChartPalette.textOn("#FDE725") == ChartPalette.text)
    }
}
