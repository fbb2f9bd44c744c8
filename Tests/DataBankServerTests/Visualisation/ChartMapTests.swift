import DataBankCore
import Foundation
import Testing
import Vapor
import VaporTesting

@testable import DataBankServer

/// The base maps a choropleth is drawn on, and the map a chart picks: the data is complete and
/// well formed, a region-coded item is marked as such by the aggregate API, and codes not on the
/// map are listed under it on the pages.
@Suite("Chart maps")
struct ChartMapTests {
    /// An SVG path of `M x y L x y … Z` subpaths as rings of points; nil if it is anything else.
    static func rings(_ path: String) -> [[(Double, Double)]]? {
        var rings: [[(Double, Double)]] = []
        let scanner = Scanner(string: path)
        scanner.charactersToBeSkipped = .whitespaces
        while !scanner.isAtEnd {
            guard scanner.scanString("M") != nil else { return nil }
            var ring: [(Double, Double)] = []
            repeat {
                guard let x = scanner.scanDouble(), let y = scanner.scanDouble() else { return nil }
                ring.append((x, y))
            } while scanner.scanString("L") != nil
            guard scanner.scanString("Z") != nil, ring.count >= 3 else { return nil }
            rings.append(ring)
        }
        return rings.isEmpty ? nil : rings
    }

    /// Even–odd: inside an odd number of the region's rings.
    static func contains(_ rings: [[(Double, Double)]], _ x: Double, _ y: Double) -> Bool {
        var inside = false
        for ring in rings {
            var j = ring.count - 1
            for i in ring.indices {
                let (xi, yi) = ring[i], (xj, yj) = ring[j]
                if (yi > y) != (yj > y), x < (xj - xi) * (y - yi) / (yj - yi) + xi { inside.toggle() }
                j = i
            }
        }
        return inside
    }

    /// Every base map: codes unique across maps, every path parses and lies within the map's frame,
    /// every name written inside its own region; the districts are Foshan's five by GB/T 2260.
    @Test func baseMapsAreCompleteAndWellFormed() throws {
        let maps = ChartBaseMaps.all
        #expect(maps.first == FoshanMap.baseMap)
        #expect(FoshanMap.baseMap.regions.map(\.code) == ["440604", "440605", "440606", "440607", "440608"])
        #expect(FoshanMap.baseMap.regions.map(\.name) == ["禅城区", "南海区", "顺德区", "三水区", "高明区"])
        let codes = maps.flatMap { $0.regions.map(\.code) }
        #expect(Set(codes).count == codes.count)
        for map in maps {
            for region in map.regions {
                let rings = try #require(Self.rings(region.path), "\(region.code)")
                for (x, y) in rings.joined() {
                    #expect((0...map.width).contains(x) && (0...map.height).contains(y), "\(region.code) \(x) \(y)")
                }
                #expect(Self.contains(rings, region.labelX, region.labelY), "\(region.code)'s label")
                #expect(!region.nameEn.isEmpty)
            }
        }
    }

    /// The aggregate API marks a group whose item's standard is a region code (`regionCode`), and
    /// only that one, so a chart of it is drawn as a map.
    @Test func aggregateMarksRegionCodedGroups() async throws {
        try await withDataBank { app in
            let f = try await StoreFixture.enterprise(app)
            try await AggregateTests().load(app, f)
            let token = try await app.token(f.steward)
            let res = try await app.send(.GET, "/api/v1/resources/\(f.code)/aggregate?group=region_code,establish_date:year", token: token)
            #expect(res.status == .ok, "\(res.body.string)")
            let json = res.body.string
            let column = #"{"name":"region_code","label":"行政区划代码","kind":"group","type":"text","semantic":"regionCode"}"#
            #expect(json.contains(column), "\(json)")
            #expect(json.components(separatedBy: "\"semantic\"").count == 2)
            let aggregate = try JSONDecoder().decode(ChartAggregate.self, from: Data(json.utf8))
            #expect(ChartType.suggested(for: aggregate) == .map)
            let plain = try await app.send(.GET, "/api/v1/resources/\(f.code)/aggregate?group=establish_date:year", token: token)
            #expect(!plain.body.string.contains("semantic"))
        }
    }

    /// The gallery's map of codes: the districts it can place are shaded, the town code, the
    /// unknown code and "other" are listed under the map, in both languages.
    @Test func galleryListsCodesNotOnTheMap() async throws {
        try await withDataBank { app in
            var admin = SignInClient(app)
            #expect(try await admin.signIn("admin", "databank-demo").status == .seeOther)
            for (lang, head, other, chancheng) in [("zh", "未在地图上：", "其他", "禅城区: 48,213 户"), ("en", "Not on the map: ", "other", "Chancheng: 48,213")] {
                let svg = try await admin.request(.GET, "/admin/charts/gallery/map-codes?format=svg&lang=\(lang)", body: nil).body.string
                let start = try #require(svg.range(of: "data-testid=\"map-unplaced\"")).lowerBound
                let note = String(svg[start..<(svg[start...].range(of: "</g>")?.lowerBound ?? svg.endIndex)])
                #expect(note.contains(head + "440606101000"), "\(lang): \(note)")
                #expect(note.contains("440699") && note.contains(other))
                #expect(!note.contains("440604000000"))  // a district's 12-digit code is drawn on the district
                #expect(svg.contains("<title>\(chancheng)</title>"), "\(lang)")
            }
        }
    }
}
