#!/usr/bin/env python3
"""Parses DataBank's DCAT-AP documents back and validates them with pyshacl.

    shacl_check.py SHAPES_DIR FILE...

Each FILE is one document (.ttl Turtle, .jsonld JSON-LD, .rdf RDF/XML). Documents that differ only
in their syntax (same name before the extension) must parse to isomorphic graphs, apart from the
Hydra view's own page address, which names the page in its syntax. Every document is then validated
against shapes.ttl + range.ttl (DCAT-AP 3.0.1); any sh:Violation fails the check.
"""
import sys
from collections import defaultdict
from pathlib import Path

from pyshacl import validate
from rdflib import Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
FORMATS = {".ttl": "turtle", ".jsonld": "json-ld", ".rdf": "xml"}


def without_page_addresses(g: Graph) -> Graph:
    """The graph with each page address (…/catalog.<ext>?page=…) written without its extension."""
    out = Graph()
    for s, p, o in g:
        def norm(t):
            if isinstance(t, URIRef) and "/catalog." in t and "?page=" in t:
                base, rest = t.split("/catalog.", 1)
                return URIRef(base + "/catalog.X?" + rest.split("?", 1)[1])
            return t
        out.add((norm(s), p, norm(o)))
    return out


def main() -> int:
    shapes_dir = Path(sys.argv[1])
    shapes = Graph()
    shapes.parse(shapes_dir / "shapes.ttl", format="turtle")
    shapes.parse(shapes_dir / "range.ttl", format="turtle")

    graphs: dict[Path, Graph] = {}
    for name in sys.argv[2:]:
        path = Path(name)
        g = Graph()
        g.parse(path, format=FORMATS[path.suffix])
        if len(g) == 0:
            print(f"shacl: {path.name}: empty graph")
            return 1
        graphs[path] = g

    by_stem = defaultdict(list)
    for path in graphs:
        by_stem[path.with_suffix("")].append(path)
    for stem, paths in by_stem.items():
        first = without_page_addresses(graphs[paths[0]])
        for other in paths[1:]:
            if not isomorphic(first, without_page_addresses(graphs[other])):
                print(f"shacl: {paths[0].name} and {other.name} do not hold the same graph")
                return 1
    print(f"shacl: {len(graphs)} documents parsed; every syntax of a document holds the same graph")

    failed = 0
    datasets = set()
    for path, g in graphs.items():
        conforms, report, text = validate(g, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
        violations = list(report.subjects(SH.resultSeverity, SH.Violation))
        datasets |= set(g.subjects(RDF.type, URIRef("http://www.w3.org/ns/dcat#Dataset")))
        if violations:
            failed += 1
            print(f"shacl: {path.name}: {len(violations)} violation(s)")
            print(text[:6000])
        else:
            print(f"shacl: {path.name}: {len(g)} triples, 0 violations")
    if failed:
        print(f"shacl: {failed} document(s) with violations")
        return 1
    print(f"shacl: {len(graphs)} documents ({len(datasets)} datasets) conform to DCAT-AP 3.0.1 (shapes.ttl + range.ttl)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
