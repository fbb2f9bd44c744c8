import Foundation
import Testing
@testable import DataBankCore

@Suite("Column profiler")
struct ColumnProfilerTests {
    func profile(_ type: DataType, _ values: [String?]) -> ColumnProfiler {
        var p = ColumnProfiler(name: "c", type: type)
        for v in values { p.add(v) }
        return p
    }

    /// Values and nulls are counted apart, and the null share is over all rows.
    @Test func countsValuesAndNulls() {
        let s = profile(.C, ["a", nil, "b", nil, "a"]).summary
        #expect(s.count == 3)
        #expect(s.nulls == 2)
        #expect(s.nullRatio == 0.4)
    }

    /// Numbers compare by value (9 < 10), not as text.
    @Test func numericBoundsCompareByValue() {
        let s = profile(.N, ["9", "10", "-2.5", "100.25"]).summary
        #expect(s.min == "-2.5")
        #expect(s.max == "100.25")
    }

    /// Dates and text compare by their canonical text; logical values put false first.
    @Test func textAndDateBoundsAreLexical() {
        #expect(profile(.D, ["2024-03-05", "2023-12-31", "2024-01-01"]).summary.min == "2023-12-31")
        #expect(profile(.C, ["b", "B", "a"]).summary.max == "b")
        #expect(profile(.L, ["true", "false"]).summary.min == "false")
    }

    /// A database's rendering of a number (12.30, 12.0) counts as the ingest's canonical one (12.3, 12).
    @Test func numbersAreCountedInCanonicalForm() {
        let s = profile(.N, ["12.30", "12.3", "12.0", "12"]).summary
        #expect(s.distinct == 2)
        #expect(s.topValues.map(\.value) == ["12", "12.3"])
    }

    /// Up to 10,000 distinct values the count is exact.
    @Test func distinctIsExactWhileSmall() {
        let s = profile(.C, (0..<10_000).map { "v\($0 % 5_000)" }).summary
        #expect(s.distinct == 5_000)
        #expect(s.distinctExact)
    }

    /// Past 10,000 distinct values the HyperLogLog estimates within 2 %.
    @Test func distinctEstimateIsWithinTwoPercent() {
        for n in [20_000, 200_000] {
            var p = ColumnProfiler(name: "id", type: .C)
            for i in 0..<n { p.add("4406041990\(i)") }
            let s = p.summary
            #expect(!s.distinctExact)
            #expect(abs(Double(s.distinct - n)) / Double(n) < 0.02, "\(s.distinct) for \(n)")
        }
    }

    /// The most frequent values come first with exact counts while there are few distinct values.
    @Test func topValuesExactForSmallCardinality() {
        let s = profile(.C, ["禅城", "南海", "禅城", "顺德", "禅城", "南海"]).summary
        #expect(s.topValues == [ValueCount(value: "禅城", count: 3), ValueCount(value: "南海", count: 2), ValueCount(value: "顺德", count: 1)])
        #expect(s.topValuesExact)
    }

    /// A heavy hitter is found among many distinct values, its count short by at most the reported error.
    @Test func topValuesFindHeavyHittersInLargeCardinality() {
        var p = ColumnProfiler(name: "c", type: .C)
        for i in 0..<50_000 { p.add(i % 4 == 0 ? "frequent" : "u\(i)") }
        let top = p.summary.topValues
        #expect(top.first?.value == "frequent")
        #expect(!p.summary.topValuesExact)
        #expect(top[0].count <= 12_500 && top[0].count >= 12_500 - p.topValues.maxError)
    }

    /// Values are counted exactly up to 1,024 distinct (240 months, each as often as the others).
    @Test func topValuesExactUpToAThousandDistinct() {
        var p = ColumnProfiler(name: "months", type: .I)
        for i in 0..<24_000 { p.add(String(i % 240)) }
        #expect(p.summary.topValuesExact)
        #expect(p.summary.topValues.allSatisfy { $0.count == 100 })
    }

    /// A column of unique values past the counters reports no top values rather than arbitrary ones.
    @Test func uniqueColumnReportsNoTopValues() {
        var p = ColumnProfiler(name: "id", type: .C)
        for i in 0..<5_000 { p.add("ID\(i)") }
        #expect(p.summary.topValues.isEmpty)
        #expect(!p.summary.topValuesExact)
    }

    /// Lengths are in characters (a Chinese name of three characters is 3), bucketed one by one up to 64.
    @Test func lengthHistogramCountsCharacters() {
        let s = profile(.C, ["张三丰", "李四", "王五", "a"]).summary
        #expect(s.lengths == [LengthBucket(from: 1, to: 1, count: 1), LengthBucket(from: 2, to: 2, count: 2), LengthBucket(from: 3, to: 3, count: 1)])
        #expect(s.meanLength == 2)
    }

    /// Long values fall into doubling buckets, the last one open.
    @Test func longValuesFallIntoWideBuckets() {
        let s = profile(.M, [String(repeating: "x", count: 100), String(repeating: "y", count: 5_000)]).summary
        #expect(s.lengths == [LengthBucket(from: 65, to: 128, count: 1), LengthBucket(from: 1025, to: nil, count: 1)])
    }

    /// Shapes map digits to D, ASCII letters to A/a, Chinese characters to 汉, and keep the rest, runs included.
    @Test func patternClassesMapCharacters() {
        #expect(ValuePattern.of("440604-1990") == "DDDDDD-DDDD")
        #expect(ValuePattern.of("粤E4x230") == "汉ADaDDD")
        #expect(ValuePattern.of("Ωmega 7") == "Laaaa D")
        #expect(ValuePattern.of("１２") == "DD")
    }

    /// A shape is cut at 32 characters and ends with an ellipsis.
    @Test func patternLengthIsCapped() {
        #expect(ValuePattern.of(String(repeating: "9", count: 40)) == String(repeating: "D", count: 32) + "…")
    }

    /// The most frequent shapes are kept with their counts.
    @Test func topPatternsAreCounted() {
        let s = profile(.C, ["440604-1990", "440605-2001", "A1"]).summary
        #expect(s.patterns == [ValueCount(value: "DDDDDD-DDDD", count: 2), ValueCount(value: "AD", count: 1)])
    }

    /// Profiling two halves and merging them gives the profile of the whole.
    @Test func mergeEqualsProfilingTheWhole() {
        let values: [String?] = (0..<3_000).map { $0 % 7 == 0 ? nil : "v\($0 % 20)" }
        var left = profile(.C, Array(values[..<1_000]))
        left.merge(profile(.C, Array(values[1_000...])))
        #expect(left.summary == profile(.C, values).summary)
    }

    /// Merging large-cardinality profiles (sketches) stays within the estimate's error.
    @Test func mergeOfSketchesEstimatesTheUnion() {
        var a = ColumnProfiler(name: "c", type: .I), b = ColumnProfiler(name: "c", type: .I)
        for i in 0..<60_000 { a.add(String(i)) }
        for i in 30_000..<90_000 { b.add(String(i)) }
        a.merge(b)
        #expect(abs(Double(a.summary.distinct - 90_000)) / 90_000 < 0.02)
        #expect(a.summary.min == "0" && a.summary.max == "89999")
    }

    /// A profiler survives JSON encoding unchanged, exact set and sketch alike, and keeps merging after.
    @Test func codableRoundTrip() throws {
        for n in [50, 20_000] {
            let p = profile(.C, (0..<n).map { "値\($0)" } + [nil])
            let decoded = try JSONDecoder().decode(ColumnProfiler.self, from: try JSONEncoder().encode(p))
            #expect(decoded == p)
            #expect(decoded.summary == p.summary)
        }
    }

    /// SQL aggregates (count, nulls, bounds) add up with sketched values; SQLite's 0/1 read as false/true.
    @Test func aggregatesAddToTheSketches() {
        var p = ColumnProfiler(name: "flag", type: .L)
        p.addAggregates(count: 2, nulls: 1, min: "0", max: "1")
        p.addAggregates(count: 1, nulls: 0, min: "1", max: "1")
        #expect(p.summary.count == 3 && p.summary.nulls == 1)
        #expect(p.summary.min == "false" && p.summary.max == "true")
    }

    /// Masking hides values but keeps counts, lengths and shapes.
    @Test func maskingKeepsCountsAndShapes() {
        let s = profile(.C, ["张三", "李四"]).summary.masking { _ in nil }
        #expect(s.min == nil && s.max == nil)
        #expect(s.topValues.allSatisfy { $0.value == nil })
        #expect(s.topValues.map(\.count) == [1, 1])
        #expect(s.patterns.first?.value == "汉汉")
        #expect(s.masked)
    }
}
