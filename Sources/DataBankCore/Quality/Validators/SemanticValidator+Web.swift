/// E-mail addresses and web addresses.
extension SemanticValidator {
    static let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+/=?^_`{|}~-")

    /// A practical subset of RFC 5321: one `@`; a dot-atom local part of at most 64 ASCII
    /// characters (quoted local parts and non-ASCII mailboxes are refused); a domain of two or
    /// more labels, each 1–63 letters, digits or hyphens (not first or last), where letters may
    /// be non-ASCII so that internationalised domains (中文域名, e.g. `政务.中国`) pass; a
    /// top-level label not all digits; at most 254 characters in all.
    public static func email(_ v: String) -> ValueFinding? {
        let c = Array(v)
        if let f = ValueScan.precheck(c) { return f }
        guard let at = c.lastIndex(of: "@"), at > 0, at < c.count - 1, c.firstIndex(of: "@") == at else {
            return ValueFinding("email_format", zh: "电子邮箱应为“名称@域名”，且只含一个 @", en: "An e-mail address is name@domain, with one @")
        }
        guard c.count <= 254 else { return ValueFinding("email_format", zh: "电子邮箱超过 254 个字符", en: "An e-mail address has at most 254 characters") }
        guard at <= 64 else { return ValueFinding("email_local", zh: "@ 之前的部分超过 64 个字符", en: "The part before @ exceeds 64 characters", at: 0) }
        for i in 0..<at {
            let dotOK = c[i] == "." && i > 0 && i < at - 1 && c[i - 1] != "."
            guard atext.contains(c[i]) || dotOK else {
                return ValueFinding("email_local", zh: "@ 之前第 \(i + 1) 位“\(c[i])”不允许", en: "Character \(i + 1) '\(c[i])' is not allowed before @", at: i)
            }
        }
        if let f = hostFinding(c, from: at + 1, to: c.count, code: "email_domain", needsDot: true) { return f }
        return nil
    }

    /// `http://` or `https://` (any case), then a host (a domain name, internationalised names
    /// included, an IPv4 address or a bracketed IPv6 address) and an optional port 1–65535.
    /// White space anywhere is refused (`url_format`); path, query and fragment are not checked.
    public static func url(_ v: String) -> ValueFinding? {
        let c = Array(v)
        if let f = ValueScan.precheck(c) { return f }
        if let i = c.firstIndex(where: \.isWhitespace) {
            return ValueFinding("url_format", zh: "网址第 \(i + 1) 位含空白字符", en: "Character \(i + 1) of the address is white space", at: i)
        }
        let lower = v.lowercased()
        guard let scheme = ["http://", "https://"].first(where: lower.hasPrefix) else {
            return ValueFinding("url_scheme", zh: "网址应以 http:// 或 https:// 开头", en: "The address must start with http:// or https://", at: 0)
        }
        var start = scheme.count
        let end = c[start...].firstIndex { "/?#".contains($0) } ?? c.count
        if let at = c[start..<end].lastIndex(of: "@") { start = at + 1 }
        var hostEnd = end
        if let colon = c[start..<end].lastIndex(of: ":"), !c[start..<end].contains("]") || c[colon - 1] == "]" {
            let port = c[(colon + 1)..<end]
            guard !port.isEmpty, port.count <= 5, port.allSatisfy(ValueScan.isDigit), (1...65535).contains(Int(String(port))!) else {
                return ValueFinding("url_host", zh: "端口号无效", en: "Invalid port number", at: colon + 1)
            }
            hostEnd = colon
        }
        guard hostEnd > start else { return ValueFinding("url_host", zh: "网址缺少主机名", en: "The address has no host", at: start) }
        if c[start] == "[" {
            let inner = c[(start + 1)..<hostEnd].dropLast()
            guard c[hostEnd - 1] == "]", inner.contains(":"), inner.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                return ValueFinding("url_host", zh: "IPv6 地址无效", en: "Invalid IPv6 address", at: start)
            }
            return nil
        }
        return hostFinding(c, from: start, to: hostEnd, code: "url_host", needsDot: false)
    }

    /// Checks the domain name in `c[from..<to]`: labels of 1–63 letters (any script), digits
    /// and inner hyphens; a top-level label not all digits unless the whole is an IPv4 address.
    static func hostFinding(_ c: [Character], from: Int, to: Int, code: String, needsDot: Bool) -> ValueFinding? {
        let host = c[from..<to]
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        let bad = { (i: Int, zh: String, en: String) in ValueFinding(code, zh: zh, en: en, at: i) }
        if labels.count == 4, labels.allSatisfy({ !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(ValueScan.isDigit) && Int(String($0))! <= 255 }) {
            return needsDot ? bad(from, "邮箱域名不能是 IP 地址", "An e-mail domain cannot be an IP address") : nil
        }
        guard host.count <= 253 else { return bad(from, "域名超过 253 个字符", "The domain exceeds 253 characters") }
        if needsDot && labels.count < 2 { return bad(from, "域名至少应有两级（如 example.cn）", "The domain needs two or more labels (e.g. example.cn)") }
        var i = from
        for label in labels {
            guard (1...63).contains(label.count) else { return bad(i, "域名第 \(i - from + 1) 位处的一级为空或过长", "Empty or over-long domain label at character \(i - from + 1)") }
            for (k, ch) in label.enumerated() {
                let ok = ch.isLetter || ValueScan.isDigit(ch) || (ch == "-" && k > 0 && k < label.count - 1)
                guard ok else { return bad(i + k, "域名中第 \(i + k + 1) 位“\(ch)”不允许", "Character \(i + k + 1) '\(ch)' is not allowed in a domain") }
            }
            i += label.count + 1
        }
        if let tld = labels.last, tld.allSatisfy(ValueScan.isDigit) { return bad(to - tld.count, "顶级域名不能全为数字", "The top-level domain cannot be all digits") }
        return nil
    }
}
