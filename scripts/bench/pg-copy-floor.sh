#!/usr/bin/env bash
# PostgreSQL's own cost of a bus-bench load, without DataBank: the bench's rows as COPY text (records
# lines as RecordCopy sends them, change-log lines as stored), `psql \copy` into the store's DDL, and the
# server's CPU seconds per step read from /proc (wall time is meaningless on a shared machine).
#   scripts/pg-throwaway -- scripts/bench/pg-copy-floor.sh [ROWS]      (default 1000000)
# See docs/PERFORMANCE.md ("PostgreSQL ingest: the server's own floor").
set -euo pipefail
ROWS=${1:-1000000}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
python3 - "$ROWS" "$DIR" <<'PY'
import json, random, sys
rows, d = int(sys.argv[1]), sys.argv[2]
random.seed(1)
han = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗"
def idn(i):  # BusBench.idNumber: not in insertion order
    k = i // 1000
    body = "440604" + "%04d%02d%02d%03d" % (1950 + k % 50, (k // 50) % 12 + 1, (k // 600) % 28 + 1, i % 1000)
    s = sum(int(c) * w for c, w in zip(body, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]))
    return body + "10X98765432"[s % 11]
with open(d + "/rec.txt", "w") as r, open(d + "/chg.txt", "w") as c:
    for i in range(rows):
        v = dict(id_number=idn(i), name="".join(random.choice(han) for _ in range(3)),
                 employer="佛山市%s区第%d号有限公司" % (random.choice(han) * 2, i % 997), credit_code="91440600MA%08d" % i,
                 region="4406%02d" % (i % 5 + 4), amount="%d.%02d" % (i % 100000, i % 100), months=i % 240,
                 paid_on="2024-%02d-%02d" % (i % 12 + 1, i % 28 + 1), updated_at="2024-%02d-%02dT%02d:%02d:00" % (i % 12 + 1, i % 28 + 1, i % 24, i % 60),
                 active=i % 3 != 0)
        r.write("\t".join(str(x).lower() if isinstance(x, bool) else str(x) for x in v.values()) + "\n")
        data = json.dumps(dict(v, amount=float(v["amount"])), ensure_ascii=False, separators=(",", ":"))
        c.write('%d\tinsert\t["%s"]\t%s\t1764936000000\t3f2504e0-4f89-11d3-9a0c-0305e82c3301\n' % (i + 1, v["id_number"], data.replace("\\", "\\\\")))
PY
# The cluster's CPU seconds: its processes' own, plus the ended backends the postmaster reaped.
PM=$(head -1 "$(psql -qAt -c 'show data_directory')/postmaster.pid")
PG_UID=$(ps -o uid= -p "$PM" | tr -d ' ')
cpu() {
    for p in $(pgrep -U "$PG_UID"); do awk '{print $14+$15+$16+$17}' "/proc/$p/stat" 2>/dev/null || true; done | awk '{s+=$1} END {printf "%.2f", s/100}'
}
psql -q <<'SQL'
SET client_min_messages = warning;
DROP TABLE IF EXISTS floor_rec, floor_chg;
CREATE TABLE floor_rec (id_number VARCHAR(18) NOT NULL, name VARCHAR(50), employer VARCHAR(100), credit_code VARCHAR(18),
  region VARCHAR(6), amount NUMERIC(12, 2), months BIGINT, paid_on DATE, updated_at TIMESTAMP, active BOOLEAN, PRIMARY KEY (id_number));
CREATE INDEX ON floor_rec (credit_code, id_number);
CREATE INDEX ON floor_rec (region, id_number);
CREATE TABLE floor_chg (seq BIGINT PRIMARY KEY, op TEXT NOT NULL, record_key TEXT, data TEXT, at_ms BIGINT NOT NULL, load_id TEXT);
SQL
timed() {  # timed LABEL SQL…: one psql call, its server CPU and wall time
    local label=$1; shift
    local before start
    before=$(cpu); start=$(date +%s.%N)
    psql -q -c "$*"
    echo "$label: server CPU $(echo "$(cpu) - $before" | bc) s, wall $(echo "$(date +%s.%N) - $start" | bc | cut -c1-6) s"
}
# As a load writes today: every row into the three b-trees and the change log.
timed "floor_rec ($ROWS rows, primary key + 2 indexes maintained)" "\\copy floor_rec from '$DIR/rec.txt'"
timed "floor_chg ($ROWS rows)" "\\copy floor_chg from '$DIR/chg.txt'"
# Deferred, as a load into an empty store could do it (measured, not adopted: docs/PERFORMANCE.md):
# the rows into a table with no index, then each index built once, sorted.
psql -q -c 'CREATE TABLE floor_bulk (LIKE floor_rec INCLUDING DEFAULTS)'
timed "deferred: floor_bulk ($ROWS rows, no index)" "\\copy floor_bulk from '$DIR/rec.txt'"
timed "deferred: primary key build" 'CREATE UNIQUE INDEX floor_bulk_pk ON floor_bulk (id_number)'
timed "deferred: credit_code index build" 'CREATE INDEX ON floor_bulk (credit_code, id_number)'
timed "deferred: region index build" 'CREATE INDEX ON floor_bulk (region, id_number)'
timed "deferred: swap (drop old, rename, constraint)" 'BEGIN; DROP TABLE floor_rec; ALTER TABLE floor_bulk RENAME TO floor_rec; ALTER TABLE floor_rec ADD CONSTRAINT floor_rec_pkey PRIMARY KEY USING INDEX floor_bulk_pk; COMMIT'
psql -q -c 'DROP TABLE floor_rec, floor_chg'
