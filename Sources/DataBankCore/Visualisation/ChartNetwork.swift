import Foundation

/// A network read from a ``ChartData``: every series is a source, every category a target, and
/// each numeric value above zero an edge from the series' name to the category with that
/// volume (a two-grouping aggregate — provider × consumer — maps onto it as it is). The nodes
/// are the names of both, the largest (by volume in and out) first; self-loops are dropped.
public struct ChartNetwork: Sendable, Hashable {
    public struct Node: Sendable, Hashable {
        public var name: String
        /// Volume sent plus volume received.
        public var total: Double
    }

    public struct Edge: Sendable, Hashable {
        public var source: Int, target: Int
        public var value: Double
    }

    /// Largest first (ties by first appearance), so the layout is stable.
    public var nodes: [Node]
    /// Largest first, so thin edges are drawn over thick ones and stay visible.
    public var edges: [Edge]

    public init(_ data: ChartData) {
        var names: [String] = []
        var index: [String: Int] = [:]
        func node(_ name: String) -> Int {
            if let i = index[name] { return i }
            index[name] = names.count
            names.append(name)
            return names.count - 1
        }
        var raw: [(Int, Int, Double)] = []
        for (s, series) in data.series.enumerated() {
            for c in data.categories.indices {
                guard let v = data.value(s, c).number, v > 0, series.name != data.categories[c] else { continue }
                raw.append((node(series.name), node(data.categories[c]), v))
            }
        }
        var totals = Array(repeating: 0.0, count: names.count)
        for (a, b, v) in raw {
            totals[a] += v
            totals[b] += v
        }
        let order = names.indices.sorted { totals[$0] != totals[$1] ? totals[$0] > totals[$1] : $0 < $1 }
        var position = Array(repeating: 0, count: names.count)
        for (k, i) in order.enumerated() { position[i] = k }
        nodes = order.map { Node(name: names[$0], total: totals[$0]) }
        edges = raw.map { Edge(source: position[$0.0], target: position[$0.1], value: $0.2) }
            .sorted { $0.value != $1.value ? $0.value > $1.value : ($0.source, $0.target) < ($1.source, $1.target) }
    }

    /// A node's radius: 4 to 4 + `spread` pixels, by the square root of its share of the largest (area ∝ volume).
    public func radius(_ node: Int, spread: Double = 10) -> Double {
        let largest = nodes.first?.total ?? 0
        return 4 + spread * (largest > 0 ? (nodes[node].total / largest).squareRoot() : 0)
    }

    /// An edge's stroke width: 1 to 1 + `spread` pixels, by the square root of its share of the largest.
    public func width(_ edge: Edge, spread: Double = 9) -> Double {
        let largest = edges.first?.value ?? 0
        return 1 + spread * (largest > 0 ? (edge.value / largest).squareRoot() : 0)
    }
}

extension ChartCanvas {
    /// The nodes on a circle (the largest at twelve o'clock, clockwise), each a disc sized by its
    /// volume with its name outside; each edge a curve bent towards the centre — A→B and B→A bend
    /// to opposite sides, so both show — sized by its volume, in its source's colour, ending in an
    /// arrow at the target's rim. Every node and edge has its figures in a tooltip.
    mutating func drawNetwork(_ net: ChartNetwork) {
        legend([(l.t("线宽＝交换量", "Width = volume"), ChartPalette.axis, ChartPalette.dashes[0])])
        let count = net.nodes.count
        let longest = net.nodes.map { TextWidth.width($0.name, fontSize: smallFont) }.max() ?? 0
        let labelRoom = min(longest, (right - left) * (width < 480 ? 0.2 : 0.24)) + 8
        let cx = (left + right) / 2, cy = (top + bottom) / 2
        let radius = max(20, min((right - left) / 2 - labelRoom, (bottom - top) / 2 - 14))
        let spread = min(12, max(4, radius * 2 * .pi / Double(max(1, count)) / 2 - 4))
        func point(_ i: Int) -> (x: Double, y: Double) {
            let angle = 2 * Double.pi * Double(i) / Double(max(1, count))
            return (cx + radius * sin(angle), cy - radius * cos(angle))
        }
        // One arrowhead per palette colour (markers take their colour from their own fill).
        w.open("defs", [])
        for k in 0..<ChartPalette.categorical.count {
            w.open(
                "marker",
                [
                    ("id", "\(id)-arrow-\(k)"), ("viewBox", "0 0 10 10"), ("refX", "9"), ("refY", "5"), ("markerWidth", "7"), ("markerHeight", "7"),
                    ("markerUnits", "userSpaceOnUse"), ("orient", "auto")
                ])
            w.element("path", [("d", "M0 0L10 5L0 10z"), ("fill", colour(k))])
            w.close("marker")
        }
        w.close("defs")
        w.open("g", [("class", "chart-body network-edges"), ("fill", "none")])
        for e in net.edges.reversed() {
            let a = point(e.source), b = point(e.target)
            // Control point: the chord's middle pulled halfway to the centre, pushed sideways by direction.
            let mx = (a.x + b.x) / 2, my = (a.y + b.y) / 2
            let dx = b.x - a.x, dy = b.y - a.y, length = max(1e-9, (dx * dx + dy * dy).squareRoot())
            let side = 0.12 * length
            let qx = mx + (cx - mx) * 0.5 + dy / length * side, qy = my + (cy - my) * 0.5 - dx / length * side
            // End at the target's rim, so the arrow is seen.
            let tx = b.x - qx, ty = b.y - qy, tl = max(1e-9, (tx * tx + ty * ty).squareRoot())
            let gap = net.radius(e.target, spread: spread) + 2
            let ex = b.x - tx / tl * gap, ey = b.y - ty / tl * gap
            let k = e.source % ChartPalette.categorical.count
            let title = tip("\(net.nodes[e.source].name) → \(net.nodes[e.target].name)", nil, .number(e.value))
            w.element(
                "path",
                [
                    ("class", "edge"), ("data-source", net.nodes[e.source].name), ("data-target", net.nodes[e.target].name), ("data-value", n(e.value)),
                    ("d", "M\(n(a.x)) \(n(a.y))Q\(n(qx)) \(n(qy)) \(n(ex)) \(n(ey))"), ("stroke", colour(k)), ("stroke-opacity", "0.6"),
                    ("stroke-width", n(net.width(e))), ("stroke-linecap", "round"), ("marker-end", "url(#\(id)-arrow-\(k))")
                ], title: title)
        }
        w.close("g")
        w.open("g", [("class", "network-nodes")])
        for (i, node) in net.nodes.enumerated() {
            let p = point(i), r = net.radius(i, spread: spread)
            let title = tip(node.name, l.t("收发合计", "sent and received"), .number(node.total))
            w.element(
                "circle",
                [
                    ("class", "node"), ("data-node", node.name), ("cx", n(p.x)), ("cy", n(p.y)), ("r", n(r)),
                    ("fill", colour(i % ChartPalette.categorical.count)), ("stroke", ChartPalette.background), ("stroke-width", "1.5")
                ], title: title)
            // The name outside the circle, on the node's side.
            let angle = 2 * Double.pi * Double(i) / Double(max(1, count))
            let lx = cx + (radius + r + 4) * sin(angle), ly = cy - (radius + r + 4) * cos(angle)
            let anchor = abs(sin(angle)) < 0.2 ? "middle" : sin(angle) > 0 ? "start" : "end"
            let dy = cos(angle) > 0.8 ? -2.0 : cos(angle) < -0.8 ? smallFont : 4
            let shown = TextWidth.truncate(node.name, maxWidth: labelRoom - 6, fontSize: smallFont)
            w.element(
                "text",
                [("class", "node-label"), ("x", n(lx)), ("y", n(ly + dy)), ("text-anchor", anchor), ("font-size", n(smallFont))],
                text: shown, title: shown == node.name ? nil : node.name)
        }
        w.close("g")
    }
}
