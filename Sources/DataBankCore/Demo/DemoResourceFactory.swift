/// Turns planned resources into snapshots: codes, items, sharing and open attributes, states.
struct DemoResourceFactory {
    let library: DemoStandardLibrary
    /// Last sequence number used per classification code.
    private var sequences: [String: Int] = [:]
    /// Code of the first resource of each department's subject, for related codes.
    private var subjectCodes: [String: String] = [:]
    /// Counts resources that are not pinned, to rotate a few through the unpublished states.
    private var rotation = 0

    init(library: DemoStandardLibrary) { self.library = library }

    private static let themeOrder = Theme.allCases

    /// The next resource code in a classification, and its catalog kind.
    private mutating func nextCode(_ placement: DemoPlacement, themes: [Theme], group: Int, ordinal: Int)
        -> (code: String, classification: String, kind: CatalogKind)
    {
        let cls: String, kind: CatalogKind
        switch placement {
        case .base(let item):
            cls = "1" + demoPad(item, 2) + demoPad(ordinal, 3); kind = .base
        case .thematic:
            let t = themes.first.flatMap { Self.themeOrder.firstIndex(of: $0) } ?? 0
            cls = "2" + demoPad(t + 1, 2) + demoPad(ordinal, 3); kind = .thematic
        case .departmental:
            cls = "3" + demoPad(min(group, 99), 2) + demoPad(ordinal, 3); kind = .departmental
        }
        let seq = sequences[cls, default: 0] + 1
        sequences[cls] = seq
        return (cls + "-" + demoPad(seq, 5), cls, kind)
    }

    private mutating func nextState(pinned: Bool) -> DemoResourceState {
        if pinned { return .published }
        defer { rotation += 1 }
        switch rotation % 20 {
        case 3: return .draft
        case 7: return .submitted
        case 11: return .notice
        default: return .published
        }
    }

    private func publishDate(_ state: DemoResourceState, rng: inout DemoRandom) -> String? {
        let year = 2014 + rng.int(3)
        let month = year == 2016 ? 1 + rng.int(6) : 1 + rng.int(12)
        let day = 1 + rng.int(28)
        return state == .published ? "\(year)-\(demoPad(month, 2))-\(demoPad(day, 2))" : nil
    }

    private func pickOffice(_ department: DemoDepartmentSpec, rng: inout DemoRandom) -> String {
        rng.unit() < 0.7 ? department.office : rng.pick(["办公室", "信息中心", "政策法规科"])
    }

    mutating func curated(_ c: DemoCurated, department: DemoDepartmentSpec, rng: inout DemoRandom) -> DemoResource {
        var items = c.fields.enumerated().map { library.item(library.index($0.element), position: $0.offset) }
        if let key = c.key {
            for i in items.indices {
                items[i].primaryKey = key.contains(items[i].column)
                if items[i].primaryKey { items[i].required = true }
            }
        }
        // A real-time stream is keyed by its entity and the time of each report (vehicle + GPS time).
        if c.format == .stream, let t = items.firstIndex(where: { $0.dataType == .T }) {
            items[t].primaryKey = true
            items[t].required = true
        }
        let (code, cls, kind) = nextCode(c.placement, themes: c.themes, group: 90, ordinal: department.ordinal)
        let state = nextState(pinned: c.pinned)
        let snapshot = ResourceSnapshot(
            code: code, name: c.name, nameEn: c.nameEn, departmentCode: department.info.code,
            office: c.office ?? department.office, classification: cls, catalogKind: kind, abstract: c.abstract, format: c.format,
            items: items, sharing: c.sharing, open: c.classified ? OpenAttributes(type: .closed) : c.open, updateCycle: c.cycle,
            publishDate: publishDate(state, rng: &rng), themes: c.themes, tags: c.tags, contact: department.info.contact,
            classified: c.classified)
        return DemoResource(snapshot: snapshot, state: state)
    }

    mutating func template(
        _ combo: DemoCombo, round: Int, count: Int, department: DemoDepartmentSpec,
        rng: inout DemoRandom
    ) -> DemoResource {
        let subject = combo.subject, kind = combo.kind
        var items: [InformationItem] = []
        items.reserveCapacity(count)
        for (position, i) in combo.pool.prefix(count).enumerated() { items.append(library.item(i, position: position)) }
        let personal = subject.kind == .person || items.contains { $0.sensitivity >= .sensitive }

        let r = rng.unit()
        let sharingType: SharingType =
            personal
            ? (r < 0.72 ? .conditional : r < 0.80 ? .none : .unconditional)
            : (r < 0.84 ? .unconditional : r < 0.96 ? .conditional : .none)
        let fr = rng.unit()
        let format: ResourceFormat = fr < 0.80 ? .table : fr < 0.92 ? .api : .file
        let method: SharingMethod = format == .file ? .file : (rng.unit() < 0.88 ? .api : .subscription)
        var law = DemoLegalBasis.forFunction(department.function)
        if personal && law == DemoLegalBasis.guangdong { law = DemoLegalBasis.personalInfo }
        let condition = rng.pick(DemoConditions.sharing)
        let sharing = SharingAttributes(
            type: sharingType, condition: sharingType == .conditional ? condition : nil, method: method,
            legalBasis: sharingType.needsLegalBasis ? DemoLegalBasis.cite(law) : nil)
        let or = rng.unit()
        let openType: OpenType =
            personal || sharingType == .none
            ? .closed
            : (or < 0.55 ? .unconditional : or < 0.72 ? .conditional : .closed)
        let open = OpenAttributes(type: openType, condition: openType == .conditional ? rng.pick(DemoConditions.opening) : nil)

        var themes = subject.themes
        var tags = [department.short, subject.zh, kind.zh]
        if kind.isDoublePublicity {
            if !themes.contains(.credit) { themes.append(.credit) }
            tags.append("双公示")
        }
        let (code, cls, catalogKind) = nextCode(subject.placement, themes: themes, group: combo.subjectIndex + 1, ordinal: department.ordinal)
        let subjectKey = department.info.code + "|" + subject.key
        var related: [String] = []
        if kind == subject.kinds[0] {
            if subjectCodes[subjectKey] == nil { subjectCodes[subjectKey] = code }
        } else if let first = subjectCodes[subjectKey], rng.unit() < 0.3 {
            related = [first]
        }
        let suffix = round > 0 ? "（\(round + 1)）" : ""
        let cycle = kind.cycle
        let lead = items.prefix(3).map(\.name).joined(separator: "、")
        let abstract = "\(department.info.name)在履职中形成的\(subject.zh)\(kind.zh)信息，包括\(lead)等\(items.count)项内容，\(cycle == .realtime ? "实时" : cycle.zh)更新。"
        let state = nextState(pinned: false)
        let snapshot = ResourceSnapshot(
            code: code, name: combo.name + suffix, nameEn: combo.nameEn + (round > 0 ? " (\(round + 1))" : ""),
            departmentCode: department.info.code, office: pickOffice(department, rng: &rng), classification: cls,
            catalogKind: catalogKind, abstract: abstract, format: format, items: items, sharing: sharing, open: open,
            updateCycle: cycle, publishDate: publishDate(state, rng: &rng), relatedCodes: related, themes: themes, tags: tags,
            contact: department.info.contact, classified: false)
        return DemoResource(snapshot: snapshot, state: state)
    }
}
