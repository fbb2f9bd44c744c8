import Testing
@testable import DataBankCore

@Suite("Masker: display masks")
struct MaskerTests {
    func masked(_ value: String?, _ kind: MaskKind) -> String? {
        Masker.apply(.mask(kind), to: value, pseudonym: SharingFixture.token, today: SharingFixture.today)
    }

    /// Each mask keeps what the §3 table keeps and stars the rest, counting Chinese characters, not bytes.
    @Test(arguments: [
        ("张三丰", MaskKind.name, "张**"), ("张三", .name, "张*"), ("欧阳娜娜", .name, "欧***"),
        ("44060519900517001X", .residentID, "4***************1X"),
        ("13812341234", .mobile, "138****1234"),
        ("0757-86338888", .landline, "0757*******88"),
        ("佛山市南海区桂城街道南海大道1号", .address, "佛山市南海区桂城********"),
        ("zhang@example.com", .email, "z***@example.com"),
        ("6222021234567890123", .bankCard, "6222***********0123"),
        ("粤E4B7X0", .plate, "粤E4***0"),
    ])
    func masks(_ value: String, _ kind: MaskKind, _ expected: String) {
        #expect(masked(value, kind) == expected)
    }

    /// Masks other than email keep the value's length, so columns still line up.
    @Test(arguments: MaskKind.allCases.filter { $0 != .email })
    func lengthKept(_ kind: MaskKind) {
        for value in ["13812341234", "佛山市南海区桂城街道", "ab", "abc", "粤E4B7X0"] {
            #expect(masked(value, kind)?.count == value.count, "\(kind) of \(value)")
        }
    }

    /// A value of one or two characters is all stars under every mask but name, which keeps the surname of 张三.
    @Test(arguments: MaskKind.allCases)
    func veryShortValuesHidden(_ kind: MaskKind) {
        #expect(masked("7", kind) == "*")
        #expect(masked("粤E", kind) == (kind == .name ? "粤*" : "**"))
    }

    /// A value too short for the mask's kept parts keeps only its first character rather than showing everything.
    @Test func shortValueKeepsOnlyFirst() {
        #expect(masked("13812", .mobile) == "1****")
        #expect(masked("广州市", .address) == "广**")
        #expect(masked("440", .residentID) == "4**")
    }

    /// A one-character name is a single star.
    @Test func oneCharacterName() {
        #expect(masked("张", .name) == "*")
    }

    /// An email without a usable @ is masked like plain text, and the length of its local part never shows.
    @Test func oddEmails() {
        #expect(masked("not-an-email", .email) == "n***********")
        #expect(masked("a@b.cn", .email) == "a***@b.cn")
        #expect(masked("verylongname@x.cn", .email) == "v***@x.cn")
    }

    /// nil stays nil under every rule; an empty value stays empty.
    @Test func nilAndEmpty() {
        for rule: MaskRule in [.clear, .suppress, .mask(.mobile), .generalize(.year), .pseudonym(perConsumer: true)] {
            #expect(Masker.apply(rule, to: nil, pseudonym: SharingFixture.token, today: SharingFixture.today) == nil)
        }
        #expect(masked("", .name) == "")
    }

    /// clear passes the value through; suppress always gives nil.
    @Test func clearAndSuppress() {
        #expect(Masker.apply(.clear, to: "张三", pseudonym: SharingFixture.token, today: SharingFixture.today) == "张三")
        #expect(Masker.apply(.suppress, to: "张三", pseudonym: SharingFixture.token, today: SharingFixture.today) == nil)
    }

    /// A pseudonym is whatever the server's closure returns for the stored value; the closure is called once.
    @Test func pseudonymDelegates() {
        var calls: [String] = []
        let out = Masker.apply(.pseudonym(perConsumer: false), to: "44060519900517001X",
                               pseudonym: { calls.append($0); return "p_1" }, today: SharingFixture.today)
        #expect(out == "p_1")
        #expect(calls == ["44060519900517001X"])
    }
}

@Suite("Masker: generalization")
struct GeneralizationTests {
    func general(_ value: String, _ to: Generalization, today: CivilDate = SharingFixture.today) -> String? {
        Masker.apply(.generalize(to), to: value, pseudonym: SharingFixture.token, today: today)
    }

    /// Dates and date-times become their year or year and month.
    @Test func dates() {
        #expect(general("1990-05-17", .year) == "1990")
        #expect(general("1990-05-17T08:30:00", .yearMonth) == "1990-05")
        #expect(general("1990/5/7", .yearMonth) == "1990-05")
    }

    /// An address is cut after its district or county; without one, after the city.
    @Test(arguments: [
        ("佛山市南海区桂城街道南海大道北1号", "佛山市南海区"),
        ("广东省佛山市顺德区大良街道", "广东省佛山市顺德区"),
        ("广东省梅州市五华县水寨镇", "广东省梅州市五华县"),
        ("佛山市市辖区某路", "佛山市市辖区"),
        ("东莞市南城街道", "东莞市"),
    ])
    func addresses(_ address: String, _ expected: String) {
        #expect(general(address, .district) == expected)
    }

    /// A region code keeps its county level: 6 digits as they are, longer codes cut to 6.
    @Test func regionCodes() {
        #expect(general("440605", .district) == "440605")
        #expect(general("440605001000", .district) == "440605")
    }

    /// Ages and birth dates fall into 10-year bands, the top band open; a birthday not yet reached counts.
    @Test func ageBands() {
        #expect(general("34", .ageBand) == "30-39")
        #expect(general("0", .ageBand) == "0-9")
        #expect(general("85", .ageBand) == "80+")
        #expect(general("1990-06-15", .ageBand) == "30-39")   // 34 on 2024-06-15
        #expect(general("1984-06-16", .ageBand) == "30-39")   // turns 40 tomorrow
        #expect(general("1984-06-15", .ageBand) == "40-49")
    }

    /// A value of the wrong shape is withheld, never shown as it is.
    @Test(arguments: [("not a date", Generalization.year), ("someday", .yearMonth), ("no place", .district), ("old", .ageBand), ("-3", .ageBand)])
    func wrongShapeWithheld(_ value: String, _ to: Generalization) {
        #expect(general(value, to) == nil)
    }
}
