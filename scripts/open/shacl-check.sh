#!/usr/bin/env bash
# Validates DataBank's open catalog against the official DCAT-AP 3.0.1 SHACL shapes: starts a fresh
# demo city in a temporary directory on a free port, fetches every page of /catalog in Turtle,
# JSON-LD and RDF/XML (and a sample of /dataset/{code} documents), parses each back with rdflib
# (all three syntaxes of a page must hold the same graph) and runs pyshacl with
# scripts/open/dcat-ap-3.0.1/shapes.ttl + range.ttl. Any violation fails the check.
#
#   scripts/open/shacl-check.sh                 the seed demo city (default scale: the whole demo catalog)
#   DCAT_DEMO_SCALE=small scripts/open/shacl-check.sh
#   DCAT_PER_PAGE=50 scripts/open/shacl-check.sh   page size (default 100, so the catalog spans pages)
#
# pyshacl (PyPI) goes into a virtual environment under .build/pyenv-shacl, made on first use.
# DATABANK_SCRATCH_PATH builds into another directory than .build.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
SCALE=${DCAT_DEMO_SCALE:-seed}
PER_PAGE=${DCAT_PER_PAGE:-100}
SAMPLE=${DCAT_DATASET_SAMPLE:-12}

CHECK=shacl
. "$ROOT/scripts/lib/served-demo.sh"
PYSHACL=$(venv_tool pyenv-shacl pyshacl pyshacl)
VENV=$(dirname "$(dirname "$PYSHACL")")

build_databank

PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
DB="sqlite://$TMP/demo.sqlite"
echo "shacl: generating the $SCALE demo city"
"$BIN" demo --scale "$SCALE" --records seed --fresh --no-serve --database-url "$DB" >"$LOG" 2>&1
echo "shacl: serving it on $BASE"
start_server "$BASE" 300 serve --port "$PORT" --database-url "$DB"

mkdir "$TMP/docs"
page=1
while :; do
    for ext in ttl jsonld rdf; do
        curl -fsS "$BASE/catalog.$ext?page=$page&per_page=$PER_PAGE" -o "$TMP/docs/catalog-$page.$ext"
    done
    grep -q 'hydra:next' "$TMP/docs/catalog-$page.ttl" || break
    page=$((page + 1))
done
echo "shacl: fetched $page catalog page(s) of $PER_PAGE in Turtle, JSON-LD and RDF/XML"
CODES=$(cat "$TMP"/docs/catalog-*.ttl | grep -o '<[^>]*/dataset/[^>/]*>' | sed 's|.*/dataset/||; s|>$||' | sort -u)
[[ -n $CODES ]] || { echo "shacl: the catalog lists no dataset"; exit 1; }
echo "shacl: the catalog lists $(echo "$CODES" | wc -l) datasets; fetching $SAMPLE of them one by one"
for code in $(echo "$CODES" | awk -v n="$SAMPLE" 'NR % 7 == 1 && c < n { print; c++ }'); do
    for ext in ttl jsonld rdf; do curl -fsS "$BASE/dataset/$code.$ext" -o "$TMP/docs/dataset-$code.$ext"; done
done
"$VENV/bin/python" "$ROOT/scripts/open/shacl_check.py" "$ROOT/scripts/open/dcat-ap-3.0.1" "$TMP"/docs/*
