/// How many records the demo loads, and into which stores.
public enum DemoRecordVolume: String, CaseIterable, Sendable {
    /// A few rows per store, for tests.
    case small
    /// Thousands in the flagship stores, a hundred or so elsewhere: ready in seconds (the default).
    case seed
    /// 10,000–100,000 in the flagship stores: charts and searches with real shapes; takes minutes in a debug build.
    case full
}

/// One store to fill: the resource's code and name, and how many rows.
public struct DemoRecordTarget: Hashable, Sendable {
    public var code: String, name: String, departmentCode: String, rows: Int
}

public enum DemoRecordPlan {
    /// The flagship stores: (seed, full) row counts.
    static let flagships: [String: (seed: Int, full: Int)] = [
        "企业登记信息表": (2_000, 100_000),
        "公交车辆实时位置": (2_400, 100_000),
        "社保缴费信息表": (1_500, 60_000),
        "停车场空余泊位": (11_520, 48_000),
        "户籍人口信息": (1_500, 50_000),
        "政务服务办件信息": (1_500, 50_000),
        "医保结算信息": (1_000, 50_000),
        "食品经营许可信息表": (800, 20_000),
        "道路运输经营许可信息": (500, 10_000),
        "排污许可信息": (300, 5_000),
        "住房公积金账户信息": (1_000, 30_000),
        "税务登记信息": (1_000, 30_000),
        "机动车登记信息": (1_000, 30_000),
        "空气质量监测信息": (360, 8_760),
        "气象实况观测数据": (720, 17_280)
    ]

    /// Whether the store is one of the flagships, which the full volume fills to 10,000–100,000 records.
    public static func isFlagship(_ name: String) -> Bool { flagships[name] != nil }

    /// Stores the sharing story loads itself (its people overlap on purpose).
    public static let loadedElsewhere: Set<String> = ["不动产登记信息", "最低生活保障对象信息"]

    /// The enterprises and people other stores refer to: the registers' sizes.
    public static func pools(_ volume: DemoRecordVolume) -> (companies: Int, people: Int) {
        (rows("企业登记信息表", volume: volume, curated: true), rows("户籍人口信息", volume: volume, curated: true))
    }

    static func rows(_ name: String, volume: DemoRecordVolume, curated: Bool) -> Int {
        if let f = flagships[name] { return volume == .small ? 120 : volume == .seed ? f.seed : f.full }
        switch volume {
        case .small: return curated ? 40 : 20
        case .seed: return curated ? 100 : 50
        case .full: return curated ? 2_000 : 500
        }
    }

    /// Every published, unclassified curated resource, then one template resource in five (in code
    /// order), so at least 60 stores hold records at the seed scale. `resources`: the published,
    /// unclassified resources of the catalog.
    public static func targets(_ resources: [(code: String, name: String, departmentCode: String)], volume: DemoRecordVolume) -> [DemoRecordTarget] {
        let curatedNames = Set(DemoCuratedResources.all.map(\.name))
        var out: [DemoRecordTarget] = []
        var template = 0
        let every = volume == .small ? 3 : 5
        for r in resources.sorted(by: { $0.code < $1.code }) where !loadedElsewhere.contains(r.name) {
            let curated = curatedNames.contains(r.name)
            if !curated {
                template += 1
                guard template % every == 1 else { continue }
            }
            out.append(
                DemoRecordTarget(
                    code: r.code, name: r.name, departmentCode: r.departmentCode,
                    rows: rows(r.name, volume: volume, curated: curated)))
        }
        return out
    }

    public static func targets(_ city: DemoCity, volume: DemoRecordVolume) -> [DemoRecordTarget] {
        targets(
            city.resources.filter { $0.state == .published && !$0.snapshot.classified }
                .map { ($0.snapshot.code, $0.snapshot.name, $0.snapshot.departmentCode) }, volume: volume)
    }
}
