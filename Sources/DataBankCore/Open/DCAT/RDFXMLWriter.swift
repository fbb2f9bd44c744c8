/// Writes an ``RDFGraph`` as RDF/XML: one `rdf:Description` per subject (`rdf:about` or
/// `rdf:nodeID`), each property an element named by its prefixed name, literals as text with
/// `xml:lang` or `rdf:datatype`, references as `rdf:resource` / `rdf:nodeID`.
///
/// XML 1.0 cannot hold most control characters: they are written as U+FFFD. A carriage return is
/// written as `&#13;` so parsers do not turn it into a line feed.
public enum RDFXMLWriter {
    public static func write(_ graph: RDFGraph) -> String {
        var graph = graph
        declareMissingNamespaces(&graph)
        var out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rdf:RDF"
        for p in graph.prefixes { out += "\n    xmlns:\(p.name)=\"\(escape(p.namespace, attribute: true))\"" }
        out += ">\n"
        for (subject, predicates) in graph.bySubject {
            let about: String =
                switch subject {
                case .iri(let v): "rdf:about=\"\(escape(v, attribute: true))\""
                case .blank(let label): "rdf:nodeID=\"\(label)\""
                case .literal: ""
                }
            out += "  <rdf:Description \(about)>\n"
            for (predicate, objects) in predicates {
                let element = qname(predicate, graph)
                for o in objects {
                    switch o {
                    case .iri(let v): out += "    <\(element) rdf:resource=\"\(escape(v, attribute: true))\"/>\n"
                    case .blank(let label): out += "    <\(element) rdf:nodeID=\"\(label)\"/>\n"
                    case .literal(let v, let language, let datatype):
                        var attributes = ""
                        if let language {
                            attributes = " xml:lang=\"\(escape(language, attribute: true))\""
                        } else if let datatype {
                            attributes = " rdf:datatype=\"\(escape(datatype, attribute: true))\""
                        }
                        out += "    <\(element)\(attributes)>\(escape(v, attribute: false))</\(element)>\n"
                    }
                }
            }
            out += "  </rdf:Description>\n"
        }
        return out + "</rdf:RDF>\n"
    }

    /// Every predicate must be an XML qualified name: a namespace no prefix covers gets `ns1`, `ns2` ….
    static func declareMissingNamespaces(_ graph: inout RDFGraph) {
        var n = 0
        for t in graph.triples where graph.shorten(t.predicate) == nil {
            guard let cut = t.predicate.lastIndex(where: { $0 == "#" || $0 == "/" }) else { continue }
            let ns = String(t.predicate[...cut])
            guard !graph.prefixes.contains(where: { $0.namespace == ns }) else { continue }
            n += 1
            graph.prefixes.append(.init(name: "ns\(n)", namespace: ns))
        }
    }

    static func qname(_ iri: String, _ graph: RDFGraph) -> String {
        if let (prefix, local) = graph.shorten(iri) { return prefix + ":" + local }
        return "rdf:value"  // unreachable for DataBank's vocabularies: every predicate is a simple name
    }

    static func escape(_ v: String, attribute: Bool) -> String {
        var s = ""
        for u in v.unicodeScalars {
            switch u {
            case "&": s += "&amp;"
            case "<": s += "&lt;"
            case ">": s += "&gt;"
            case "\"" where attribute: s += "&quot;"
            case "\r": s += "&#13;"
            case "\n" where attribute: s += "&#10;"
            case "\t" where attribute: s += "&#9;"
            case "\n", "\t": s.unicodeScalars.append(u)
            default:
                if u.value < 0x20 || (0xFFFE...0xFFFF).contains(u.value) { s += "\u{FFFD}" } else { s.unicodeScalars.append(u) }
            }
        }
        return s
    }
}
