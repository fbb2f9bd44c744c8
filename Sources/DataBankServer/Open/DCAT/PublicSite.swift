import Vapor
import DataBankCore

/// The portal's public address and name, as the open documents (DCAT, OpenAPI) write them.
///
/// The address is `DATABANK_PUBLIC_URL` when set (behind a proxy, the address users know);
/// otherwise `http://` + the request's Host, when it is a plain host[:port] — never other text
/// from the request, so a forged Host cannot put markup or spaces into an IRI.
struct PublicSite {
    var baseURL: String
    var title = "DataBank 公共数据开放目录"
    var titleEn = "DataBank open data catalog"
    var publisher = "DataBank 公共数据开放平台"
    var publisherEn = "DataBank open data platform"

    var dcat: DCATDocument.Site {
        DCATDocument.Site(baseURL: baseURL, title: title, titleEn: titleEn, publisher: publisher, publisherEn: publisherEn)
    }

    static func current(_ req: Request) throws -> PublicSite {
        if let configured = req.application.settings.publicURL { return PublicSite(baseURL: configured) }
        let host = req.headers.first(name: .host) ?? ""
        let allowed = host.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || ".-:[]".unicodeScalars.contains($0)) }
        return PublicSite(baseURL: "http://" + (!host.isEmpty && allowed ? host : "localhost"))
    }

    /// `https://data.example.gov.cn/` → `https://data.example.gov.cn`; nil when not an http(s) address.
    static func normalise(_ text: String?) -> String? {
        guard var t = text?.trimmingCharacters(in: .whitespaces), !t.isEmpty,
            let url = URL(string: t), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil
        else { return nil }
        while t.hasSuffix("/") { t.removeLast() }
        return t
    }
}
