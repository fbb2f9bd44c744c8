/// One RDF term: an IRI, a blank node, or a literal (plain, language-tagged or typed).
public enum RDFTerm: Hashable, Sendable {
    case iri(String)
    /// A blank node by its label (letters, digits and underscores, unique in the graph).
    case blank(String)
    case literal(String, language: String? = nil, datatype: String? = nil)

    public static func text(_ value: String, _ language: String? = nil) -> RDFTerm { .literal(value, language: language) }
    public static func typed(_ value: String, _ datatype: String) -> RDFTerm { .literal(value, datatype: datatype) }

    public var isLiteral: Bool { if case .literal = self { true } else { false } }
}

/// One statement: subject, predicate (an IRI), object.
public struct RDFTriple: Hashable, Sendable {
    public var subject: RDFTerm
    public var predicate: String
    public var object: RDFTerm
    public init(_ subject: RDFTerm, _ predicate: String, _ object: RDFTerm) {
        self.subject = subject; self.predicate = predicate; self.object = object
    }
}

/// An in-memory RDF graph: the triples in the order they were added (so every serialisation is
/// stable) and the prefixes the writers use to shorten IRIs. One model, rendered three ways
/// (``TurtleWriter``, ``JSONLDWriter``, ``RDFXMLWriter``).
public struct RDFGraph: Sendable {
    public struct Prefix: Hashable, Sendable {
        public var name: String
        public var namespace: String
    }

    public var prefixes: [Prefix]
    public private(set) var triples: [RDFTriple] = []
    private var seen: Set<RDFTriple> = []

    public init(prefixes: [Prefix] = RDFVocabulary.standardPrefixes) { self.prefixes = prefixes }

    /// Adds a statement once (a graph is a set: a repeated triple is not written twice).
    public mutating func add(_ subject: RDFTerm, _ predicate: String, _ object: RDFTerm) {
        let t = RDFTriple(subject, predicate, object)
        if seen.insert(t).inserted { triples.append(t) }
    }

    /// Adds `subject rdf:type class` for each class.
    public mutating func type(_ subject: RDFTerm, _ classes: String...) {
        for c in classes { add(subject, RDFVocabulary.rdf + "type", .iri(c)) }
    }

    /// Adds a statement when there is a value; blank text adds nothing.
    public mutating func add(_ subject: RDFTerm, _ predicate: String, text: String?, language: String? = nil) {
        guard let text, text.contains(where: { !$0.isWhitespace }) else { return }
        add(subject, predicate, .literal(text, language: language))
    }

    /// The statements grouped by subject (in first-appearance order), each subject's predicates in
    /// first-appearance order with their objects: the shape Turtle, JSON-LD and RDF/XML all write.
    public var bySubject: [(subject: RDFTerm, predicates: [(predicate: String, objects: [RDFTerm])])] {
        var order: [RDFTerm] = []
        var groups: [RDFTerm: [(predicate: String, objects: [RDFTerm])]] = [:]
        for t in triples {
            if groups[t.subject] == nil { order.append(t.subject); groups[t.subject] = [] }
            if let i = groups[t.subject]!.firstIndex(where: { $0.predicate == t.predicate }) {
                groups[t.subject]![i].objects.append(t.object)
            } else {
                groups[t.subject]!.append((t.predicate, [t.object]))
            }
        }
        return order.map { ($0, groups[$0]!) }
    }

    /// The prefix and local name of an IRI when a declared namespace shortens it to a name every
    /// syntax accepts (letters, digits, `_` and `-`, starting with a letter or `_`).
    public func shorten(_ iri: String) -> (prefix: String, local: String)? {
        for p in prefixes where iri.hasPrefix(p.namespace) {
            let local = String(iri.dropFirst(p.namespace.count))
            if Self.isSimpleName(local) { return (p.name, local) }
        }
        return nil
    }

    static func isSimpleName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || first.isASCIILetter else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCIIAlnum || $0 == "_" || $0 == "-" }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIAlnum: Bool { isASCIILetter || ("0"..."9").contains(self) }
}
