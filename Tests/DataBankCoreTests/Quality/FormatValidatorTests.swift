import Testing
@testable import DataBankCore

@Suite("Format validators")
struct FormatValidatorTests {
    let today = CivilDate(year: 2025, month: 6, day: 1)!

    /// 11 digits 1[3-9]…, with a +86/0086/86 prefix and space or hyphen groups tolerated.
    @Test(arguments: ["13800138000", "19912345678", "+8613800138000", "+86 138 0013 8000", "8613800138000", "008613800138000", "138-0013-8000"])
    func validMobiles(_ v: String) {
        #expect(SemanticValidator.mobile(v) == nil)
    }

    /// Wrong length, a 12 prefix, another country, stray characters or doubled separators are refused.
    @Test(arguments: [("1380013800", "mobile_length"), ("12800138000", "mobile_prefix"), ("+1 2025550123", "mobile_format"),
                      ("138 0013/8000", "mobile_format"), ("138--00138000", "mobile_format"), ("-13800138000", "mobile_format")])
    func invalidMobiles(_ v: String, _ code: String) {
        #expect(SemanticValidator.mobile(v)?.code == code)
    }

    /// The position of a stray character is reported.
    @Test func mobileStrayPosition() {
        #expect(SemanticValidator.mobile("138 0013/8000")?.position == 8)
    }

    /// Area code 0 + 2–3 digits, optional hyphen or space, 7–8 digits, optional extension.
    @Test(arguments: ["0757-86281234", "075786281234", "010-1234567", "02088889999", "0757-86281234-123", "0757-86281234转8001",
                      "075786281234-12", "010 12345678"])
    func validLandlines(_ v: String) {
        #expect(SemanticValidator.landline(v) == nil)
    }

    /// Missing area code, wrong lengths, bad extensions and stray characters are refused.
    @Test(arguments: [("86281234", "landline_area"), ("07-86281234", "landline_area"), ("0757-862812", "landline_length"),
                      ("0757-86281234-1234567", "landline_extension"), ("0757-86281234转", "landline_extension"),
                      ("(0757)86281234", "landline_format"), ("0757--86281234", "landline_format"), ("0757862", "landline_length")])
    func invalidLandlines(_ v: String, _ code: String) {
        #expect(SemanticValidator.landline(v)?.code == code)
    }

    /// 6 digits with a realistic first pair (01–86), or 999077 for Hong Kong and Macao.
    @Test(arguments: [("528200", nil), ("100000", nil), ("010010", nil), ("999077", nil), ("000000", "postal_range"),
                      ("900000", "postal_range"), ("52820", "postal_length"), ("5282A0", "postal_format")])
    func postalCodes(_ v: String, _ code: String?) {
        #expect(SemanticValidator.postalCode(v)?.code == code)
    }

    /// Region codes: known (current or retired) pass; unknown, short or non-digit ones do not.
    @Test(arguments: [("440605", nil), ("440682", nil), ("440699", "region_unknown"), ("4406", "region_length"), ("44060X", "region_format")])
    func regionCodes(_ v: String, _ code: String?) {
        #expect(SemanticValidator.check(v, as: .regionCode, today: today)?.code == code)
    }

    /// Ordinary and internationalised (中文域名) addresses pass.
    @Test(arguments: ["zhang.san@example.com", "a+tag@nanhai.gov.cn", "info@政务.中国", "x_y-z@mail.佛山.cn", "o'brien@example.org"])
    func validEmails(_ v: String) {
        #expect(SemanticValidator.email(v) == nil)
    }

    /// No @, two @, bad dots, non-ASCII local parts and bad domains are refused.
    @Test(arguments: [("zhangsan.example.com", "email_format"), ("a@b@example.com", "email_format"), (".a@example.com", "email_local"),
                      ("a..b@example.com", "email_local"), ("张三@example.com", "email_local"), ("a@localhost", "email_domain"),
                      ("a@-x.com", "email_domain"), ("a@example..com", "email_domain"), ("a@example.123", "email_domain"),
                      ("a@exa_mple.com", "email_domain"), ("a b@example.com", "email_local")])
    func invalidEmails(_ v: String, _ code: String) {
        #expect(SemanticValidator.email(v)?.code == code)
    }

    /// The position of a bad character in an address is reported.
    @Test func emailPosition() {
        #expect(SemanticValidator.email("a@exa_mple.com")?.position == 5)
        #expect(SemanticValidator.email("ab,c@example.com")?.position == 2)
    }

    /// http/https with a host (names, IDN, IPv4, IPv6, ports) pass.
    @Test(arguments: ["https://www.nanhai.gov.cn/", "http://example.com:8080/a?b=1#c", "HTTPS://政务.中国", "http://192.168.1.10/x",
                      "http://[2001:db8::1]:443/", "https://user@example.com", "http://localhost"])
    func validURLs(_ v: String) {
        #expect(SemanticValidator.url(v) == nil)
    }

    /// Other schemes, missing hosts, bad ports and white space are refused.
    @Test(arguments: [("ftp://example.com", "url_scheme"), ("www.example.com", "url_scheme"), ("https://", "url_host"),
                      ("https:///path", "url_host"), ("http://example.com:0/", "url_host"), ("http://example.com:99999", "url_host"),
                      ("http://exa mple.com", "url_format"), ("http://exa_mple.com", "url_host")])
    func invalidURLs(_ v: String, _ code: String) {
        #expect(SemanticValidator.url(v)?.code == code)
    }

    /// The departments' date formats pass through DateParsing.
    @Test(arguments: ["2024-03-05", "2024/3/5", "20240305", "2024年3月5日", "2024.03.05"])
    func validDates(_ v: String) {
        #expect(SemanticValidator.date(v) == nil)
        #expect(SemanticValidator.check(v, as: .date, today: today) == nil)
    }

    /// Impossible dates and other shapes are `date_format`; full-width digits are `fullwidth`.
    @Test(arguments: [("2023-02-29", "date_format"), ("2024-13-01", "date_format"), ("05/03/2024", "date_format"),
                      ("２０２４-03-05", "fullwidth")])
    func invalidDates(_ v: String, _ code: String) {
        #expect(SemanticValidator.date(v)?.code == code)
    }

    /// Kinds without a semantic rule pass anything; the others dispatch to their validator.
    @Test func checkDispatch() {
        for kind in [SemanticKind.plain, .personName, .address, .plate] {
            #expect(SemanticValidator.check("？？", as: kind, today: today) == nil)
        }
        #expect(SemanticValidator.check("91110000600037341M", as: .creditCode, today: today)?.code == "uscc_check")
        #expect(SemanticValidator.check("12800138000", as: .mobile, today: today)?.code == "mobile_prefix")
        #expect(SemanticValidator.check("86281234", as: .landline, today: today)?.code == "landline_area")
        #expect(SemanticValidator.check("900000", as: .postalCode, today: today)?.code == "postal_range")
        #expect(SemanticValidator.check("a@b", as: .email, today: today)?.code == "email_domain")
    }
}
