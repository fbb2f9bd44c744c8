/// How big a generated demo city is.
public enum DemoScale: String, CaseIterable, Sendable {
    /// About a dozen departments and thirty resources, for fast tests.
    case small
    /// The seed's catalog exactly: 57 departments, 512 resources, 6,361 information items.
    case seed
}

/// Where a demo resource stands in the review flow when it is loaded.
public enum DemoResourceState: String, CaseIterable, Codable, Sendable {
    case draft, submitted, notice, published
}

/// One generated resource and the review state it starts in.
public struct DemoResource: Hashable, Sendable {
    public var snapshot: ResourceSnapshot
    public var state: DemoResourceState
    public init(snapshot: ResourceSnapshot, state: DemoResourceState) {
        self.snapshot = snapshot; self.state = state
    }
}

/// A demo account. Every demo account has the password `databank-demo`.
public struct DemoUser: Hashable, Sendable {
    public var username: String
    public var displayName: String
    /// A ``Role`` raw value.
    public var role: String
    public var departmentCode: String
    public var password: String
    public init(username: String, displayName: String, role: String, departmentCode: String, password: String) {
        self.username = username; self.displayName = displayName; self.role = role
        self.departmentCode = departmentCode; self.password = password
    }
}

/// A deterministic demo city modelled on Foshan (佛山市, 440600): its departments, standards
/// library, catalog of resources and demo accounts.
///
/// Generation uses its own seeded generator, so every call with the same arguments returns
/// equal output on every platform.
public struct DemoCity: Hashable, Sendable {
    /// Departments, parents before children.
    public var departments: [DepartmentInfo]
    public var standards: [ItemStandard]
    public var resources: [DemoResource]
    public var users: [DemoUser]

    public init(departments: [DepartmentInfo], standards: [ItemStandard], resources: [DemoResource], users: [DemoUser]) {
        self.departments = departments; self.standards = standards; self.resources = resources; self.users = users
    }

    /// The total number of information items over all resources.
    public var informationItemCount: Int { resources.reduce(0) { $0 + $1.snapshot.items.count } }

    /// The demo city at the given scale.
    public static func generate(scale: DemoScale) -> DemoCity {
        var builder = DemoCatalogBuilder(departments: DemoDepartments.specs(for: scale), seed: 0x0440_6000_2016_0057)
        switch scale {
        case .seed:
            builder.planCity(quota: \.seedQuota)
            builder.adjustItems(toTotal: DemoDepartments.seedItemTotal)
        case .small:
            builder.planCity(quota: \.smallQuota)
        }
        return builder.city()
    }

    /// A synthetic catalog of `resourceCount` resources for benchmarks, reusing the seed city's departments and standards; deterministic.
    public static func synthetic(resourceCount: Int) -> DemoCity {
        var builder = DemoCatalogBuilder(departments: DemoDepartments.specs(for: .seed), seed: 0x5EED_0000_0000_C0DE)
        builder.planSynthetic(count: max(0, resourceCount))
        return builder.city()
    }
}
