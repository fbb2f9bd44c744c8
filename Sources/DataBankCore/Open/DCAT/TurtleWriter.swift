/// Writes an ``RDFGraph`` as Turtle (RDF 1.1): prefixes, one block per subject, `;` between
/// predicates and `,` between objects. Literals keep their text exactly (quotes, backslashes and
/// control characters escaped; Chinese written as is in UTF-8); IRIs that a declared prefix
/// cannot shorten are written whole with the characters IRIREF forbids escaped.
public enum TurtleWriter {
    public static func write(_ graph: RDFGraph) -> String {
        var out = ""
        for p in graph.prefixes { out += "@prefix \(p.name): <\(iri(p.namespace))> .\n" }
        for (subject, predicates) in graph.bySubject {
            out += "\n" + term(subject, graph)
            for (i, (predicate, objects)) in predicates.enumerated() {
                let p = predicate == RDFVocabulary.rdf + "type" ? "a" : name(predicate, graph)
                out += (i == 0 ? " " : " ;\n    ") + p + " " + objects.map { term($0, graph) }.joined(separator: ", ")
            }
            out += " .\n"
        }
        return out
    }

    static func term(_ t: RDFTerm, _ graph: RDFGraph) -> String {
        switch t {
        case .iri(let v): return name(v, graph)
        case .blank(let label): return "_:" + label
        case .literal(let value, let language, let datatype):
            var s = "\"" + escape(value) + "\""
            if let language { s += "@" + language } else if let datatype { s += "^^" + name(datatype, graph) }
            return s
        }
    }

    static func name(_ v: String, _ graph: RDFGraph) -> String {
        if let (prefix, local) = graph.shorten(v) { return prefix + ":" + local }
        return "<" + iri(v) + ">"
    }

    /// IRIREF forbids controls, space and `<>"{}|^`\`: each is written as `\uXXXX`.
    static func iri(_ v: String) -> String {
        var s = ""
        for u in v.unicodeScalars {
            if u.value <= 0x20 || "<>\"{}|^`\\".unicodeScalars.contains(u) { s += uchar(u) } else { s.unicodeScalars.append(u) }
        }
        return s
    }

    /// STRING_LITERAL_QUOTE: `"`, `\` and line ends escaped; other controls as `\uXXXX`.
    static func escape(_ v: String) -> String {
        var s = ""
        for u in v.unicodeScalars {
            switch u {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\n": s += "\\n"
            case "\r": s += "\\r"
            case "\t": s += "\\t"
            default:
                if u.value < 0x20 || u.value == 0x7F { s += uchar(u) } else { s.unicodeScalars.append(u) }
            }
        }
        return s
    }

    static func uchar(_ u: Unicode.Scalar) -> String {
        let hex = String(u.value, radix: 16, uppercase: true)
        return "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
