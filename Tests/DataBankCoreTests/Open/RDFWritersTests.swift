import Foundation
import Testing
@testable import DataBankCore

/// The one graph model written as Turtle, JSON-LD and RDF/XML: text kept exactly (quotes, line
/// ends, backslashes, Chinese), IRIs safe in each syntax, language tags on every text.
@Suite("RDF writers")
struct RDFWritersTests {
    static let s = RDFTerm.iri("http://example.org/d/1")
    static let title = RDFVocabulary.dct + "title"

    func graph(_ text: String, _ language: String? = "zh") -> RDFGraph {
        var g = RDFGraph()
        g.add(Self.s, Self.title, .literal(text, language: language))
        return g
    }

    @Test func turtleEscapesQuotesBackslashesAndLineEnds() {
        let ttl = TurtleWriter.write(graph("他说\"好\"\\n\n第二行\r\t完"))
        #expect(ttl.contains(#"dct:title "他说\"好\"\\n\n第二行\r\t完"@zh"#))
    }

    @Test func turtleWritesOtherControlCharactersAsUnicodeEscapes() {
        #expect(TurtleWriter.write(graph("a\u{1}b\u{7F}")).contains(#""a\u0001b\u007F"@zh"#))
    }

    @Test func chineseIsWrittenAsIsInEverySyntax() {
        let g = graph("企业登记信息表")
        #expect(TurtleWriter.write(g).contains("\"企业登记信息表\"@zh"))
        #expect(JSONLDWriter.write(g).contains(#"{"@value": "企业登记信息表", "@language": "zh"}"#))
        #expect(RDFXMLWriter.write(g).contains(#"<dct:title xml:lang="zh">企业登记信息表</dct:title>"#))
    }

    @Test func languageTagsZhAndEnInEverySyntax() {
        var g = graph("营业执照")
        g.add(Self.s, Self.title, .literal("Business licence", language: "en"))
        let ttl = TurtleWriter.write(g)
        #expect(ttl.contains(#"dct:title "营业执照"@zh, "Business licence"@en"#))
        let json = JSONLDWriter.write(g)
        #expect(json.contains(#""@language": "zh""#) && json.contains(#""@language": "en""#))
        let xml = RDFXMLWriter.write(g)
        #expect(xml.contains(#"xml:lang="zh""#) && xml.contains(#"<dct:title xml:lang="en">Business licence</dct:title>"#))
    }

    @Test func typedLiteralsCarryTheirDatatype() {
        var g = RDFGraph()
        g.add(Self.s, RDFVocabulary.dct + "issued", .typed("2026-01-02", RDFVocabulary.xsd + "date"))
        #expect(TurtleWriter.write(g).contains(#"dct:issued "2026-01-02"^^xsd:date"#))
        #expect(JSONLDWriter.write(g).contains(#"{"@value": "2026-01-02", "@type": "xsd:date"}"#))
        #expect(RDFXMLWriter.write(g).contains(#"rdf:datatype="http://www.w3.org/2001/XMLSchema#date">2026-01-02<"#))
    }

    @Test func irisAreShortenedOnlyWhenTheLocalNameIsSimple() {
        var g = RDFGraph()
        g.add(Self.s, RDFVocabulary.dct + "type", .iri(RDFVocabulary.dcat + "Dataset"))
        g.add(Self.s, RDFVocabulary.dct + "relation", .iri(RDFVocabulary.dcat + "a.b/c"))
        let ttl = TurtleWriter.write(g)
        #expect(ttl.contains("dct:type dcat:Dataset"))
        #expect(ttl.contains("<http://www.w3.org/ns/dcat#a.b/c>"))
        #expect(ttl.contains("<http://example.org/d/1> dct:type"))
    }

    @Test func iriCharactersEachSyntaxForbidsAreEscaped() {
        var g = RDFGraph()
        g.add(Self.s, RDFVocabulary.dcat + "downloadURL", .iri("http://example.org/r?format=csv&limit=all&x=<\"y\">"))
        #expect(TurtleWriter.write(g).contains(#"<http://example.org/r?format=csv&limit=all&x=\u003C\u0022y\u0022\u003E>"#))
        #expect(RDFXMLWriter.write(g).contains(#"rdf:resource="http://example.org/r?format=csv&amp;limit=all&amp;x=&lt;&quot;y&quot;&gt;""#))
        #expect(JSONLDWriter.write(g).contains(#"{"@id": "http://example.org/r?format=csv&limit=all&x=<\"y\">"}"#))
    }

    @Test func rdfXMLKeepsCarriageReturnsAndReplacesWhatXMLCannotHold() {
        let xml = RDFXMLWriter.write(graph("a\r\nb\u{1}<c>&"))
        #expect(xml.contains("a&#13;\nb\u{FFFD}&lt;c&gt;&amp;</dct:title>"))
    }

    @Test func jsonLDIsJSONWithTheContextAndOneNodePerSubject() throws {
        var g = graph("第\"一\"\n")
        g.type(Self.s, RDFVocabulary.dcat + "Dataset")
        g.add(.blank("b1"), RDFVocabulary.foaf + "name", .literal("x"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(JSONLDWriter.write(g).utf8)) as? [String: Any])
        let context = try #require(object["@context"] as? [String: String])
        #expect(context["dct"] == RDFVocabulary.dct)
        let nodes = try #require(object["@graph"] as? [[String: Any]])
        #expect(nodes.count == 2)
        #expect(nodes[0]["@id"] as? String == "http://example.org/d/1")
        #expect(nodes[0]["@type"] as? [String] == ["dcat:Dataset"])
        let title = try #require((nodes[0]["dct:title"] as? [[String: String]])?.first)
        #expect(title["@value"] == "第\"一\"\n")
        #expect(nodes[1]["@id"] as? String == "_:b1")
    }

    @Test func aRepeatedStatementIsWrittenOnce() {
        var g = graph("x")
        g.add(Self.s, Self.title, .literal("x", language: "zh"))
        #expect(g.triples.count == 1)
    }
}
