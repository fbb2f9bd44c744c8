#!/usr/bin/env python3
"""Agreement between DataBank's validation, DataBank's loads and `frictionless validate` (PyPI).

Generates CSV files with seeded defects of every kind a Table Schema can catch (type errors,
required, length, pattern, enum, range, unique, primary key, missing and extra cells, blank rows,
a quoted field spanning lines), writes the Table Schema, and for each file compares:
  - validate vs frictionless: the number of findings per Frictionless error type, and the row
    numbers of each type (both number rows as records, the header being row 1);
  - load vs validate: the file loaded with `databank load` into a scratch SQLite store made from the
    same schema (modes upsert, append, replace in turn) refuses the same rows with the same findings:
    counts per error type, and (row, code) pairs read back from the quarantine.
Exits 1 if anything differs.

    scripts/quality/agreement.py [--databank PATH] [--frictionless PATH] [--rows N] [--files K] [--seed S]

DataBank is run as `databank quality validate FILE --schema SCHEMA --json` and
`databank load CODE FILE --schema SCHEMA --mode M --json --no-profile` (DATABASE_URL a scratch SQLite
file, made with `databank migrate -y`); frictionless as
`frictionless validate --json --trusted --limit-errors 10000000 --schema SCHEMA FILE`.
"""
import argparse
import json
import os
import random
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter

SCHEMA = {
    "fields": [
        {"name": "id", "type": "integer", "constraints": {"required": True}},
        {"name": "name", "type": "string", "constraints": {"required": True, "maxLength": 12}},
        {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{2}[0-9]{4}", "unique": True}},
        {"name": "category", "type": "string", "constraints": {"enum": ["农业", "工业", "服务业"]}},
        {"name": "amount", "type": "number", "constraints": {"minimum": 0, "maximum": 1000}},
        {"name": "quantity", "type": "integer", "constraints": {"minimum": 1}},
        {"name": "day", "type": "date"},
        {"name": "active", "type": "boolean"},
        {"name": "note", "type": "string", "constraints": {"minLength": 2}},
    ],
    "primaryKey": ["id"],
}

NAMES = ["佛山", "南海", "禅城", "顺德", "高明", "三水", "Foshan", "Nanhai"]


def clean_row(i, rng):
    return [
        str(i),
        rng.choice(NAMES) + str(i % 100),
        "%s%04d" % ("".join(rng.choice("ABCDEFGHJK") for _ in range(2)), i % 10000),
        rng.choice(["农业", "工业", "服务业"]),
        "%d.%02d" % (rng.randint(0, 999), rng.randint(0, 99)),
        str(rng.randint(1, 500)),
        "2024-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28)),
        rng.choice(["true", "false"]),
        rng.choice(["正常", "待核实", "ok"]),
    ]


DEFECTS = [
    ("type: amount", lambda r, rng: r.__setitem__(4, "12,5元")),
    ("type: quantity", lambda r, rng: r.__setitem__(5, "1.5")),
    ("type: day", lambda r, rng: r.__setitem__(6, "2024-02-30")),
    ("type: active", lambda r, rng: r.__setitem__(7, "maybe")),
    ("required: name", lambda r, rng: r.__setitem__(1, "")),
    ("maxLength: name", lambda r, rng: r.__setitem__(1, "佛山市南海区桂城街道办事处")),
    ("pattern: code", lambda r, rng: r.__setitem__(2, "A12345")),
    ("enum: category", lambda r, rng: r.__setitem__(3, "金融业")),
    ("minimum: amount", lambda r, rng: r.__setitem__(4, "-3.5")),
    ("maximum: amount", lambda r, rng: r.__setitem__(4, "1000.01")),
    ("minimum: quantity", lambda r, rng: r.__setitem__(5, "0")),
    ("minLength: note", lambda r, rng: r.__setitem__(8, "x")),
    ("missing cells", lambda r, rng: r.__delitem__(slice(7, None))),
    ("extra cell", lambda r, rng: r.append("多余")),
    ("two defects", lambda r, rng: (r.__setitem__(3, "其他"), r.__setitem__(5, "abc"))),
]


def generate(path, rows, rng):
    """Writes the file; answers nothing (the tools are compared with each other, not with a tally)."""
    codes_seen = []
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(",".join(f["name"] for f in SCHEMA["fields"]) + "\n")
        for i in range(1, rows + 1):
            row = clean_row(i, rng)
            roll = rng.random()
            if roll < 0.01:
                out.write("," * (len(SCHEMA["fields"]) - 1) + "\n")  # a blank row
                continue
            if roll < 0.015:
                row[8] = '"第一行\n第二行"'  # a quoted note spanning two lines: rows are records, not lines
            elif roll < 0.02 and codes_seen:
                row[2] = rng.choice(codes_seen)  # a repeated unique value
            elif roll < 0.025 and i > 1:
                row[0] = str(i - 1)  # a repeated key
            elif roll < 0.20:
                rng.choice(DEFECTS)[1](row, rng)
            if len(row) > 2 and row[2]:
                codes_seen.append(row[2])
            out.write(",".join('"%s"' % c if "," in c and not c.startswith('"') else c for c in row) + "\n")


def count_frictionless(report):
    counts, rows = Counter(), Counter()
    for task in report.get("tasks", []):
        for error in task.get("errors", []):
            counts[error["type"]] += 1
            if error.get("rowNumber"):
                rows[(error["rowNumber"], error["type"])] += 1
    return counts, rows


def compare(title, ours, theirs, names):
    """Prints one table of counts; answers how many differ."""
    print("  %s" % title)
    print("    %-18s %10s %12s" % (("error type",) + names))
    differ = 0
    for kind in sorted(set(ours) | set(theirs)):
        mark = "" if ours[kind] == theirs[kind] else "   <-- differs"
        print("    %-18s %10d %12d%s" % (kind, ours[kind], theirs[kind], mark))
        differ += ours[kind] != theirs[kind]
    return differ


def compare_rows(title, ours, theirs, upto):
    """Compares multisets of (row, kind) up to row `upto`; prints the first differences."""
    ours = Counter({k: v for k, v in ours.items() if k[0] <= upto})
    theirs = Counter({k: v for k, v in theirs.items() if k[0] <= upto})
    missing, extra = theirs - ours, ours - theirs
    if not missing and not extra:
        print("  %s: the same %d (row, finding) pairs" % (title, sum(ours.values())))
        return 0
    print("  %s: DIFFER — only on the left %s; only on the right %s"
          % (title, sorted(extra.elements())[:10], sorted(missing.elements())[:10]))
    return 1


def run(cmd, env=None):
    result = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if not result.stdout.strip():
        sys.exit("no output from %s (exit %d): %s" % (" ".join(cmd), result.returncode, result.stderr[-2000:]))
    # The report is the first JSON value printed; a summary line may follow it.
    return json.JSONDecoder().raw_decode(result.stdout[result.stdout.index("{"):])[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--databank", default=os.environ.get("DATABANK", ".build/debug/databank"))
    parser.add_argument("--frictionless", default=os.environ.get("DATABANK_FRICTIONLESS", ".build/pyenv/bin/frictionless"))
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--files", type=int, default=3)
    parser.add_argument("--seed", type=int, default=36344)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="databank-agreement-")
    schema_path = os.path.join(work, "schema.json")
    with open(schema_path, "w", encoding="utf-8") as f:
        json.dump(SCHEMA, f, ensure_ascii=False, indent=1)
    disagreements = 0
    total = Counter()
    env = dict(os.environ, DATABASE_URL="sqlite://" + os.path.join(work, "load.sqlite"))
    for key in [k for k in env if k.startswith("DATABANK_")]:
        del env[key]
    migrated = subprocess.run([args.databank, "migrate", "-y"], capture_output=True, text=True, env=env)
    if migrated.returncode != 0:
        sys.exit("databank migrate failed: " + migrated.stderr[-2000:])
    modes = ["upsert", "append", "replace"]
    for k in range(args.files):
        path = os.path.join(work, "defects-%d.csv" % k)
        generate(path, args.rows, random.Random(args.seed + k))
        report = run([args.databank, "quality", "validate", path, "--schema", schema_path, "--json"])
        ours = Counter(report["errors"])
        our_rows = Counter((line["row"], line["errorType"]) for line in report["lines"])
        # Compare row numbers only as far as the report lists every finding (it keeps the first 1,000).
        upto = report["lines"][-1]["row"] - 1 if len(report["lines"]) >= 1000 else 10 ** 9
        theirs, their_rows = count_frictionless(run([args.frictionless, "validate", "--json", "--trusted", "--limit-errors", "10000000",
                                                     "--schema", schema_path, path]))
        code = "999999-%05d" % (k + 1)
        mode = modes[k % len(modes)]
        summary = run([args.databank, "load", code, path, "--schema", schema_path, "--mode", mode, "--json", "--no-profile"], env=env)
        with sqlite3.connect(os.path.join(work, "load.sqlite")) as db:
            refused = db.execute("SELECT row_number, code FROM quarantine WHERE resource_code = ?", (code,)).fetchall()
        error_type = {line["code"]: line["errorType"] for line in report["lines"]}
        loaded = Counter(error_type.get(c, "unknown code " + c) for _, c in refused)
        print("file %s (%d rows; load %s: %d inserted, %d refused)"
              % (os.path.basename(path), args.rows, mode, summary.get("inserted", 0), summary.get("rejected", 0)))
        disagreements += compare("validate vs frictionless", ours, theirs, ("DataBank", "frictionless"))
        disagreements += compare_rows("row numbers, validate vs frictionless", our_rows, their_rows, upto)
        disagreements += compare("load vs validate", loaded, ours, ("load", "validate"))
        disagreements += compare_rows("row numbers, load vs validate", Counter(refused),
                                      Counter((line["row"], line["code"]) for line in report["lines"]), upto)
        if summary.get("rows") != report["rows"]:
            print("  rows: load read %s, validate %s   <-- differs" % (summary.get("rows"), report["rows"]))
            disagreements += 1
        total += ours
    print("agreement: %s (%d findings over %d files; files in %s)"
          % ("yes" if disagreements == 0 else "NO, %d counts differ" % disagreements, sum(total.values()), args.files, work))
    sys.exit(1 if disagreements else 0)


if __name__ == "__main__":
    main()
