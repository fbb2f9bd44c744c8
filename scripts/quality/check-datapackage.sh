#!/usr/bin/env bash
# Checks DataBank's Data Package export with the reference validator: starts a fresh small demo
# city, downloads resources' datapackage.zip (datapackage.json + data/<code>.csv) through the
# API, unpacks each and runs `frictionless validate datapackage.json`, which must answer valid.
#
#   scripts/quality/check-datapackage.sh        最低生活保障对象信息 (ID pattern, enums, integer, number,
#                                               date, datetime) and 停车场空余泊位 (a stream store)
#   RESOURCE_NAMES="企业登记信息表" scripts/quality/check-datapackage.sh
#
# (The demo's enterprise-registration and bus-position records are placeholders that break their
# standards' patterns and code lists; frictionless rightly reports those as
# constraint-error, so they are not the default.)
#   FRICTIONLESS=/path/to/frictionless scripts/quality/check-datapackage.sh
#
# frictionless (PyPI) is taken from $FRICTIONLESS, else .build/pyenv/bin/frictionless (scripts/test
# creates it), else PATH. DATABANK_SCRATCH_PATH builds into another directory than .build.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
PORT=${DATABANK_DATAPACKAGE_PORT:-18090}
BASE="http://127.0.0.1:$PORT"
RESOURCE_NAMES=${RESOURCE_NAMES:-最低生活保障对象信息 停车场空余泊位}

CHECK=datapackage
. "$ROOT/scripts/lib/served-demo.sh"
FRICTIONLESS=${FRICTIONLESS:-}
if [[ -z $FRICTIONLESS ]]; then
    if [[ -x $ROOT/.build/pyenv/bin/frictionless ]]; then FRICTIONLESS=$ROOT/.build/pyenv/bin/frictionless
    elif command -v frictionless >/dev/null 2>&1; then FRICTIONLESS=$(command -v frictionless)
    else echo "datapackage: frictionless not found (python3 -m venv .build/pyenv && .build/pyenv/bin/pip install frictionless)" >&2; exit 2; fi
fi

build_databank

DB="sqlite://$TMP/demo.sqlite"
echo "datapackage: starting the demo server on $BASE"
start_server "$BASE" 300 demo --scale small --fresh --port "$PORT" --database-url "$DB"

TOKEN=$("$BIN" user token admin --database-url "$DB" | tail -n 1)
for NAME in $RESOURCE_NAMES; do
    CODE=$("$BIN" stores list --database-url "$DB" | awk -F'\t' -v n="$NAME" '$4 == n {print $1}' | head -n 1)
    [[ -n $CODE ]] || { echo "datapackage: no record store named $NAME"; exit 1; }
    echo "datapackage: downloading $CODE ($NAME)"
    curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/resources/$CODE/datapackage.zip?purpose=frictionless-check" -o "$TMP/$CODE.zip"
    mkdir "$TMP/$CODE"
    python3 -m zipfile -e "$TMP/$CODE.zip" "$TMP/$CODE"
    ROWS=$(($(wc -l < "$TMP/$CODE/data/$CODE.csv") - 1))
    echo "datapackage: $CODE: $ROWS rows; frictionless validate datapackage.json"
    (cd "$TMP/$CODE" && "$FRICTIONLESS" validate datapackage.json)
    echo "datapackage: $CODE: valid"
done
