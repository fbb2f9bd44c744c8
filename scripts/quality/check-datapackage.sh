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

if ! command -v swift >/dev/null 2>&1 && [[ -x /opt/swift/usr/bin/swift ]]; then export PATH=/opt/swift/usr/bin:$PATH; fi
FRICTIONLESS=${FRICTIONLESS:-}
if [[ -z $FRICTIONLESS ]]; then
    if [[ -x $ROOT/.build/pyenv/bin/frictionless ]]; then FRICTIONLESS=$ROOT/.build/pyenv/bin/frictionless
    elif command -v frictionless >/dev/null 2>&1; then FRICTIONLESS=$(command -v frictionless)
    else echo "datapackage: frictionless not found (python3 -m venv .build/pyenv && .build/pyenv/bin/pip install frictionless)" >&2; exit 2; fi
fi

SCRATCH=${DATABANK_SCRATCH_PATH:-$ROOT/.build}
swift build --scratch-path "$SCRATCH" --product databank
BIN=$(swift build --scratch-path "$SCRATCH" --show-bin-path)/databank
TMP=$(mktemp -d)
LOG="$TMP/server.log"
SERVER_PID=""
cleanup() {
    status=$?
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill -- "-$SERVER_PID" 2>/dev/null || kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    fi
    if [[ $status -ne 0 ]]; then echo "---- server log (last 30 lines) ----"; tail -n 30 "$LOG" 2>/dev/null || true; fi
    rm -rf "$TMP"
    exit $status
}
trap cleanup EXIT INT TERM

DB="sqlite://$TMP/demo.sqlite"
echo "datapackage: starting the demo server on $BASE"
setsid "$BIN" demo --scale small --fresh --port "$PORT" --database-url "$DB" >"$LOG" 2>&1 &
SERVER_PID=$!
for i in $(seq 1 600); do
    if curl -fsS "$BASE/healthz" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then echo "datapackage: the server exited"; exit 1; fi
    sleep 0.5
    if [[ $i -eq 600 ]]; then echo "datapackage: the server did not answer /healthz in 300 s"; exit 1; fi
done

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
