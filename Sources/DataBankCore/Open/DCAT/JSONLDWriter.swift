/// Writes an ``RDFGraph`` as JSON-LD 1.1: an `@context` holding the graph's prefixes and an
/// `@graph` of node objects. Property names and types are compact IRIs (`dct:title`) where a prefix
/// shortens them, node references are whole IRIs (`{"@id": …}`), and every literal is a value
/// object with its `@language` or `@type`, so nothing depends on term definitions to read back.
public enum JSONLDWriter {
    public static func write(_ graph: RDFGraph) -> String {
        var out = "{\n  \"@context\": {"
        out += graph.prefixes.map { "\n    " + string($0.name) + ": " + string($0.namespace) }.joined(separator: ",")
        out += "\n  },\n  \"@graph\": ["
        let nodes = graph.bySubject.map { subject, predicates -> String in
            var fields = ["\"@id\": " + string(id(subject))]
            var rest: [String] = []
            for (predicate, objects) in predicates {
                if predicate == RDFVocabulary.rdf + "type", objects.allSatisfy({ if case .iri = $0 { true } else { false } }) {
                    let types = objects.map { o -> String in
                        guard case .iri(let v) = o else { return "" }
                        return string(compact(v, graph))
                    }
                    fields.append("\"@type\": [" + types.joined(separator: ", ") + "]")
                } else {
                    rest.append(string(compact(predicate, graph)) + ": [" + objects.map { value($0, graph) }.joined(separator: ", ") + "]")
                }
            }
            return "\n    {\n      " + (fields + rest).joined(separator: ",\n      ") + "\n    }"
        }
        out += nodes.joined(separator: ",") + "\n  ]\n}\n"
        return out
    }

    static func id(_ t: RDFTerm) -> String {
        switch t {
        case .iri(let v): return v
        case .blank(let label): return "_:" + label
        case .literal(let v, _, _): return v
        }
    }

    static func value(_ t: RDFTerm, _ graph: RDFGraph) -> String {
        switch t {
        case .iri, .blank: return "{\"@id\": " + string(id(t)) + "}"
        case .literal(let v, let language, let datatype):
            var s = "{\"@value\": " + string(v)
            if let language { s += ", \"@language\": " + string(language) } else if let datatype { s += ", \"@type\": " + string(compact(datatype, graph)) }
            return s + "}"
        }
    }

    static func compact(_ iri: String, _ graph: RDFGraph) -> String {
        graph.shorten(iri).map { $0.prefix + ":" + $0.local } ?? iri
    }

    /// A JSON string: `"`, `\` and controls escaped; everything else (Chinese included) as is.
    public static func string(_ v: String) -> String {
        var s = "\""
        for u in v.unicodeScalars {
            switch u {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    s += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    s.unicodeScalars.append(u)
                }
            }
        }
        return s + "\""
    }
}
