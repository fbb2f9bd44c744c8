#!/usr/bin/env bash
# Holds DataBank's CKAN Action API to the real `ckanapi` client (PyPI): starts a fresh seed demo city
# on a free port (a temporary SQLite database), then runs, as an anonymous CKAN client would,
#
#   ckanapi action package_search rows:0          count of open-portal packages
#   ckanapi search datasets q=交通                 pages with start/rows until a page is empty
#   ckanapi dump datasets --all                    package_list, then package_show of each
#   ckanapi dump organizations --all               organization_list, then organization_show of each
#   ckanapi action package_search rows:0 -a KEY    signed in (the admin's API token, sent as ckanapi
#                                                  sends it): the whole catalog the native API shows
#
# and checks each count against the native API (/api/v1/resources, /api/v1/departments): packages are
# the published 无条件开放 and 有条件开放 resources, organizations the departments. Then stops the server.
#
#   scripts/open/ckanapi-check.sh                 (builds the debug `databank` first)
#   CKANAPI=/path/to/ckanapi scripts/open/ckanapi-check.sh
#
# ckanapi is installed once into .build/pyenv-ckan (python3 -m venv; pip install ckanapi).
# DATABANK_SCRATCH_PATH builds into another directory than .build; CKAN_CHECK_QUERY changes the query.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
QUERY=${CKAN_CHECK_QUERY:-交通}

CHECK=ckanapi-check
. "$ROOT/scripts/lib/served-demo.sh"
CKANAPI=${CKANAPI:-$(venv_tool pyenv-ckan ckanapi ckanapi)}

# `ckanapi dump` starts its workers as `ckanapi` from PATH.
export PATH=$(dirname "$CKANAPI"):$PATH

build_databank

PORT=${DATABANK_CKAN_PORT:-$(free_port)}
BASE="http://127.0.0.1:$PORT"
echo "ckanapi-check: starting a fresh seed demo city on $BASE"
DB="sqlite://$TMP/demo.sqlite"
start_server "$BASE" 600 demo --scale seed --records small --fresh --port "$PORT" --database-url "$DB"

TOKEN=$("$BIN" user token admin --database-url "$DB" | tail -n 1)
cd "$TMP"
echo "ckanapi-check: ckanapi action package_search rows:0"
"$CKANAPI" action package_search rows:0 -r "$BASE" > search.json
echo "ckanapi-check: ckanapi search datasets q=$QUERY"
"$CKANAPI" search datasets "q=$QUERY" -r "$BASE" > query.jsonl
echo "ckanapi-check: ckanapi dump datasets --all"
"$CKANAPI" dump datasets --all -q -r "$BASE" > datasets.jsonl
echo "ckanapi-check: ckanapi dump organizations --all"
"$CKANAPI" dump organizations --all -q -r "$BASE" > organizations.jsonl
echo "ckanapi-check: ckanapi action package_search rows:0 -a KEY"
"$CKANAPI" action package_search rows:0 -r "$BASE" -a "$TOKEN" > signed-in.json

python3 - "$BASE" "$QUERY" "$TOKEN" <<'PY'
import json, sys, urllib.parse, urllib.request

base, query, token = sys.argv[1], sys.argv[2], sys.argv[3]

def get_as_admin(path):
    request = urllib.request.Request(base + path, headers={"Authorization": "Bearer " + token})
    with urllib.request.urlopen(request) as r:
        return json.load(r)

def get(path):
    with urllib.request.urlopen(base + path) as r:
        return json.load(r)

def native_packages(q=None):
    """What the open portal shows, from the native anonymous search: published 无条件/有条件开放 resources."""
    names, offset = set(), 0
    while True:
        params = {"limit": "200", "offset": str(offset), "sort": "code"}
        if q: params["q"] = q
        page = get("/api/v1/resources?" + urllib.parse.urlencode(params))
        for item in page["items"]:
            if item["openType"] in ("unconditional", "conditional") and item.get("publishedRevision") is not None and item["status"] != "retired":
                names.add(item["code"])
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return names

def lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]

native = native_packages()
native_q = native_packages(query)
count = json.load(open("search.json", encoding="utf-8"))["count"]
searched = {p["name"] for p in lines("query.jsonl")}
dumped = lines("datasets.jsonl")
orgs = lines("organizations.jsonl")
departments = get("/api/v1/departments")["items"]

checks = [
    ("ckanapi action package_search: count", count, len(native)),
    ("ckanapi search datasets q=%s: datasets" % query, len(searched), len(native_q)),
    ("ckanapi search datasets q=%s: the same names" % query, sorted(searched) == sorted(native_q), True),
    ("ckanapi dump datasets --all: datasets", len(dumped), len(native)),
    ("ckanapi dump datasets --all: the same names", sorted(p["name"] for p in dumped) == sorted(native), True),
    ("ckanapi dump organizations --all: organizations", len(orgs), len(departments)),
    ("ckanapi dump organizations --all: package_count sum", sum(o.get("package_count", 0) for o in orgs), len(native)),
    ("ckanapi action package_search -a KEY: count (admin)", json.load(open("signed-in.json", encoding="utf-8"))["count"],
     get_as_admin("/api/v1/resources?limit=0")["total"]),
]
failed = False
for name, got, want in checks:
    ok = got == want
    failed |= not ok
    print("ckanapi-check: %-55s %s (%s, native %s)" % (name, "ok" if ok else "MISMATCH", got, want))
if len(native_q) == 0:
    print("ckanapi-check: the query %r finds nothing; choose one that does (CKAN_CHECK_QUERY)" % query)
    failed = True
sys.exit(1 if failed else 0)
PY
echo "ckanapi-check: all counts agree"
