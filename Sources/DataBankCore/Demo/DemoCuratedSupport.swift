/// A hand-written resource of the demo city: the tables the seed names (enterprise registration,
/// household registration, social insurance, housing fund, bus GPS, parking …).
struct DemoCurated: Sendable {
    var department: String
    var name: String
    var nameEn: String
    var placement: DemoPlacement
    var fields: [String]
    var abstract: String
    var themes: [Theme]
    var tags: [String]
    var format: ResourceFormat
    var cycle: UpdateCycle
    var sharing: SharingAttributes
    var open: OpenAttributes
    var classified: Bool
    /// Always loaded as published, whatever the state rotation says.
    var pinned: Bool
    /// Names of related resources, resolved to codes once the catalog is built.
    var related: [String]
    var office: String?
    /// The key items when not the standards' own (a monthly series: the entity and the period).
    var key: [String]? = nil
}

/// Laws and policies that ground 有条件共享 and 不予共享 decisions.
enum DemoLegalBasis {
    static let sharing51 = "《政务信息资源共享管理暂行办法》（国发〔2016〕51号）"
    static let guangdong = "《广东省政务数据资源共享管理办法（试行）》"
    static let personalInfo = "《全国人民代表大会常务委员会关于加强网络信息保护的决定》"
    static let taxLaw = "《中华人民共和国税收征收管理法》第八条"
    static let secrets = "《中华人民共和国保守国家秘密法》第二条、第九条"
    static let idCard = "《中华人民共和国居民身份证法》第六条"
    static let socialInsurance = "《中华人民共和国社会保险法》第八十一条"
    static let housingFund = "《住房公积金管理条例》"
    static let assistance = "《社会救助暂行办法》（国务院令第649号）"
    static let marriage = "《婚姻登记条例》"
    static let realEstate = "《不动产登记暂行条例》第二十七条"
    static let maternal = "《中华人民共和国母婴保健法》"
    static let statisticsLaw = "《中华人民共和国统计法》第九条"
    static let publicRental = "《公共租赁住房管理办法》（住房和城乡建设部令第11号）"
    static let medicalInsurance = "《中华人民共和国社会保险法》第八十一条；《广东省基本医疗保险定点医疗机构管理办法》"

    /// Generic laws that a generated resource of a department may cite, by function.
    static func forFunction(_ f: DemoFunction) -> String {
        switch f {
        case .tax: taxLaw
        case .police: idCard
        case .hr: socialInsurance
        case .fund: housingFund
        case .civil, .veterans: assistance
        case .naturalResources: realEstate
        case .health: maternal
        case .statistics: statisticsLaw
        case .medicalInsurance: medicalInsurance
        case .housing: publicRental
        default: guangdong
        }
    }

    /// 51号 plus, when given, the specific law.
    static func cite(_ law: String?) -> String { law.map { sharing51 + "；" + $0 } ?? sharing51 }
}

/// Sharing conditions used by generated and curated resources.
enum DemoConditions {
    static let statusOnly = "仅提供核验结果（是/否），不提供明细数据"
    static let sharing = [
        "仅向依法履行相关职责的部门共享，须经提供部门审核同意",
        "按需申请，限于办理相关政务服务事项使用，不得转作他用",
        statusOnly,
        "仅共享与申请事项直接相关的信息项，涉及个人信息的须经本人授权"
    ]
    static let opening = [
        "经申请并签订数据开放协议后开放",
        "仅开放汇总统计数据，不开放明细记录",
        "仅向注册认证的数据利用主体开放接口"
    ]
}

/// Builds a curated resource. `fields` and `tags` are space-separated.
func demoCurated(
    _ department: String, _ name: String, _ nameEn: String, _ placement: DemoPlacement, _ fields: String,
    _ abstract: String, themes: [Theme], tags: String, format: ResourceFormat = .table, cycle: UpdateCycle = .daily,
    share: SharingType = .unconditional, condition: String? = nil, law: String? = nil, method: SharingMethod? = nil,
    open: OpenType = .closed, openCondition: String? = nil, classified: Bool = false, pinned: Bool = false,
    related: [String] = [], office: String? = nil, key: String? = nil
) -> DemoCurated {
    let defaultMethod: SharingMethod = format == .stream ? .subscription : (format == .file ? .file : .api)
    let sharing = SharingAttributes(
        type: share, condition: share == .conditional ? (condition ?? DemoConditions.sharing[0]) : condition,
        method: method ?? defaultMethod, legalBasis: share.needsLegalBasis ? DemoLegalBasis.cite(law) : nil)
    let openAttributes = OpenAttributes(type: open, condition: open == .conditional ? (openCondition ?? DemoConditions.opening[0]) : nil)
    return DemoCurated(
        department: department, name: name, nameEn: nameEn, placement: placement,
        fields: fields.split(separator: " ").map(String.init), abstract: abstract, themes: themes,
        tags: tags.split(separator: " ").map(String.init), format: format, cycle: cycle, sharing: sharing,
        open: openAttributes, classified: classified, pinned: pinned, related: related, office: office,
        key: key.map { $0.split(separator: " ").map(String.init) })
}
