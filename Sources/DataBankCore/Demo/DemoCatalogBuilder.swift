/// One template resource a department can produce: a subject, a kind of record and the
/// standards its items may bind, most important first.
struct DemoCombo: Sendable {
    var subject: DemoSubject
    var subjectIndex: Int
    var kind: DemoKind
    var pool: [Int]
    var name: String
    var nameEn: String
}

/// Plans a catalog (which resources, how many items each), then builds it.
///
/// Planning and building draw from one seeded generator in a fixed order, so the output
/// depends only on the arguments.
struct DemoCatalogBuilder {
    enum Source {
        case curated(DemoCurated)
        case template(DemoCombo, round: Int)
    }

    struct Plan {
        var department: Int
        var source: Source
        var count: Int
        var poolSize: Int
        var adjustable: Bool
    }

    static let minimumItems = 5

    let departments: [DemoDepartmentSpec]
    let library = DemoStandardLibrary.shared
    var rng: DemoRandom
    var plans: [Plan] = []

    init(departments: [DemoDepartmentSpec], seed: UInt64) {
        self.departments = departments
        self.rng = DemoRandom(seed: seed)
    }

    /// The template resources of a department: each subject's main kind first, then the rest
    /// in an order seeded by the department alone (so it is the same at every scale).
    func combos(for department: Int, excluding names: Set<String> = []) -> [DemoCombo] {
        let spec = departments[department]
        let subjects = DemoTemplates.subjects(for: spec.function)
        var first: [DemoCombo] = [], rest: [DemoCombo] = []
        for (si, subject) in subjects.enumerated() {
            for (ki, kind) in subject.kinds.enumerated() {
                let name = subject.name(kind)
                if names.contains(name) { continue }
                let combo = DemoCombo(subject: subject, subjectIndex: si, kind: kind,
                                      pool: subject.pool(for: kind).map(library.index), name: spec.namePrefix + name,
                                      nameEn: subject.nameEn(kind) + spec.nameEnSuffix)
                if ki == 0 { first.append(combo) } else { rest.append(combo) }
            }
        }
        var local = DemoRandom(seed: 0xD0_0000 &+ UInt64(spec.ordinal))
        return first + local.shuffled(rest)
    }

    /// A number of items for a template resource, about 12 on average.
    mutating func drawCount(poolSize: Int) -> Int {
        min(poolSize, Self.minimumItems + rng.int(9) + rng.int(9))
    }

    /// Plans every department's quota: its curated resources first, then template resources.
    mutating func planCity(quota: KeyPath<DemoDepartmentSpec, Int>) {
        for (d, spec) in departments.enumerated() {
            let q = spec[keyPath: quota]
            let curated = Array(DemoCuratedResources.forDepartment(spec.info.code).prefix(q))
            for c in curated {
                plans.append(Plan(department: d, source: .curated(c), count: c.fields.count, poolSize: c.fields.count, adjustable: false))
            }
            let combos = combos(for: d, excluding: Set(curated.map(\.name)))
            guard !combos.isEmpty else { continue }
            for i in 0..<(q - curated.count) {
                let combo = combos[i % combos.count]
                let count = drawCount(poolSize: combo.pool.count)
                plans.append(Plan(department: d, source: .template(combo, round: i / combos.count), count: count,
                                  poolSize: combo.pool.count, adjustable: true))
            }
        }
    }

    /// Plans `count` template resources, taking every department's templates in turn.
    mutating func planSynthetic(count: Int) {
        let lists = departments.indices.map { combos(for: $0) }
        var pool: [(Int, DemoCombo)] = []
        for r in 0..<(lists.map(\.count).max() ?? 0) {
            for (d, list) in lists.enumerated() where r < list.count { pool.append((d, list[r])) }
        }
        guard !pool.isEmpty else { return }
        plans.reserveCapacity(count)
        for i in 0..<count {
            let (d, combo) = pool[i % pool.count]
            let n = drawCount(poolSize: combo.pool.count)
            plans.append(Plan(department: d, source: .template(combo, round: i / pool.count), count: n,
                              poolSize: combo.pool.count, adjustable: true))
        }
    }

    /// Grows or shrinks template resources one item at a time until the catalog holds `total` items.
    mutating func adjustItems(toTotal total: Int) {
        var diff = total - plans.reduce(0) { $0 + $1.count }
        let adjustable = plans.indices.filter { plans[$0].adjustable }
        var progressed = true
        while diff != 0 && progressed {
            progressed = false
            for i in adjustable where diff != 0 {
                if diff > 0, plans[i].count < plans[i].poolSize {
                    plans[i].count += 1; diff -= 1; progressed = true
                } else if diff < 0, plans[i].count > Self.minimumItems {
                    plans[i].count -= 1; diff += 1; progressed = true
                }
            }
        }
    }

    /// Builds the planned catalog.
    mutating func city() -> DemoCity {
        var factory = DemoResourceFactory(library: library)
        var resources: [DemoResource] = []
        resources.reserveCapacity(plans.count)
        var pendingRelations: [(Int, [String])] = []
        for plan in plans {
            let spec = departments[plan.department]
            switch plan.source {
            case .curated(let c):
                if !c.related.isEmpty { pendingRelations.append((resources.count, c.related)) }
                resources.append(factory.curated(c, department: spec, rng: &rng))
            case .template(let combo, let round):
                resources.append(factory.template(combo, round: round, count: plan.count, department: spec, rng: &rng))
            }
        }
        var codeByName: [String: String] = [:]
        for r in resources where codeByName[r.snapshot.name] == nil { codeByName[r.snapshot.name] = r.snapshot.code }
        for (i, names) in pendingRelations {
            resources[i].snapshot.relatedCodes = names.compactMap { codeByName[$0] }
        }
        // A small city has fewer bureaus: accounts of the bureaus it lacks are left out.
        let present = Set(departments.map(\.info.code))
        return DemoCity(departments: departments.map(\.info), standards: library.standards, resources: resources,
                        users: DemoUsers.all.filter { present.contains($0.departmentCode) })
    }
}
