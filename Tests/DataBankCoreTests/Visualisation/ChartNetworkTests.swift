import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
@testable import DataBankCore

@Suite("Network chart")
struct ChartNetworkTests {
    /// Providers as series, consumers as categories: the sharing between three bureaus.
    static let data = ChartData(
        categories: ["市场局", "交通局", "人社局"],
        series: [
            ChartSeries(name: "市场局", values: [.number(999), .number(400), .number(100)]),
            ChartSeries(name: "自然资源局", values: [.missing, .number(0), .number(25)]),
            ChartSeries(name: "人社局", values: [.number(100), .suppressed, .missing])
        ], valueLabel: "交换次数", unit: "次")

    /// Nodes are both sides' names, the largest first; edges only for positive values, self-loops dropped.
    @Test func nodesAndEdges() {
        let net = ChartNetwork(Self.data)
        #expect(net.nodes.map(\.name) == ["市场局", "交通局", "人社局", "自然资源局"])
        #expect(net.nodes.map(\.total) == [600, 400, 225, 25])
        #expect(net.edges.count == 4)
        let first = net.edges[0]
        #expect(net.nodes[first.source].name == "市场局" && net.nodes[first.target].name == "交通局" && first.value == 400)
        #expect(!net.edges.contains { $0.source == $0.target })
    }

    /// Sizes follow the square root of the share of the largest: the largest node 4 + spread, an edge a quarter as big half as wide.
    @Test func sizes() {
        let net = ChartNetwork(Self.data)
        #expect(net.radius(0, spread: 10) == 14)
        let biggest = net.edges[0], quarter = net.edges.first { $0.value == 100 }!
        #expect(net.width(biggest, spread: 8) == 9)
        #expect(net.width(quarter, spread: 8) == 1 + 8 * 0.5)
    }

    /// The SVG: one circle per node, one curve per edge with an arrow, widths in the document, tooltips naming both ends.
    @Test func svg() throws {
        let svg = ChartRenderer.svg(Self.data, ChartSpec(type: .network, title: "部门共享网络", width: 640, height: 420, idPrefix: "net"))
        #expect(svg.contains("data-chart-type=\"network\""))
        #expect(ChartRendererTests.count("class=\"node\"", in: svg) == 4)
        #expect(ChartRendererTests.count("class=\"edge\"", in: svg) == 4)
        #expect(ChartRendererTests.count("class=\"node-label\"", in: svg) == 4)
        #expect(svg.contains("<title>市场局 → 交通局: 400 次</title>"))
        #expect(svg.contains("data-value=\"400\"") && svg.contains("stroke-width=\"10\""))
        #expect(svg.contains("marker-end=\"url(#net-arrow-0)\""))
        #expect(ChartRenderer.typeName(.network, .zh) == "关系网络图")
        // Well-formed XML.
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    }

    /// Nothing but zeros and gaps: no edges, the empty state when nothing is there at all.
    @Test func empty() {
        let svg = ChartRenderer.svg(ChartData(categories: [], series: []), ChartSpec(type: .network, title: "t", language: .en))
        #expect(svg.contains(">No data</text>"))
        let zeros = ChartData(categories: ["a"], series: [ChartSeries(name: "b", values: [.number(0)])])
        #expect(ChartNetwork(zeros).edges.isEmpty)
    }
}
