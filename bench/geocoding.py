"""Address search benchmark: import time and memory, lookup and autocomplete latency,
top-1 accuracy on messy queries, and addok side by side. Not part of the test suite.

    DEBUG=1 DATABASE_URL=postgis://postgres@127.0.0.1:5432/buurtkaart_bench \\
        .venv/bin/python bench/geocoding.py --size 100000

The database is migrated and its address tables are emptied first: use a database of its own.
Generated files go to var/bench/, results to bench/results/geocoding-<backend>-<size>.json and
.md. addok runs when var/addok-venv exists (see bench/README.md), on Redis database 14.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import geocoding_data  # noqa: E402

ADDOK_PYTHON = ROOT / "var" / "addok-venv" / "bin" / "python"
TOP1_METRES = 25.0


def metres(lat1, lon1, lat2, lon2) -> float:
    """Great-circle metres between two lat/lon pairs (EPSG:4326), via spatial."""
    from django.contrib.gis.geos import Point

    from spatial import great_circle_m

    return great_circle_m(Point(lon1, lat1, srid=4326), Point(lon2, lat2, srid=4326))


def pct(values, q) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 2)


# The import runs in a child that reports its own high-water mark (VmHWM, reset at exec).
# getrusage cannot be used: Linux carries ru_maxrss across exec, so a child forked from this
# (large) process would report this process's memory.
IMPORT_CHILD = """
import atexit, runpy, sys
def report():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            sys.stderr.write("VMHWM_KB=" + line.split()[1] + "\\n")
atexit.register(report)
sys.argv = ["manage.py", "buurt_import_addresses", sys.argv[1], "--no-progress"]
runpy.run_path("manage.py", run_name="__main__")
"""


def run_import(csv_path: Path) -> dict:
    """Run buurt_import_addresses in a child process: wall time and its peak RSS. The child's
    progress lines are shown as they come."""
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORT_CHILD, str(csv_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors = []
    for line in child.stderr:
        errors.append(line)
        if not line.startswith("VMHWM_KB="):
            print(f"import: {line.rstrip()}", flush=True)
    output = child.stdout.read()
    child.wait()
    elapsed = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"import failed:\n{output}\n{''.join(errors)}")
    peak_kb = next(int(line.split("=")[1]) for line in errors if line.startswith("VMHWM_KB="))
    return {
        "seconds": round(elapsed, 1),
        "peak_rss_mb": round(peak_kb / 1024),
        "summary": output.strip(),
    }


def prepare_database(backend_is_postgres: bool) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, check=True
    )
    import django

    django.setup()
    from django.db import connection

    from buurt.models import Address, GeocodeCache, Street

    with connection.cursor() as cursor:
        for model in (Address, Street, GeocodeCache):
            if backend_is_postgres:
                cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")
            else:
                cursor.execute(f"DELETE FROM {model._meta.db_table}")


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return (time.perf_counter() - started) * 1000, result


def exact_texts(csv_path: Path, ids: set[int]) -> dict[int, str]:
    """ "Street 12, 9000 Place" for the addresses `ids`, read back from the generated CSV in one
    pass (nothing but those kept: the gazetteer may hold ten million rows)."""
    texts = {}
    with open(csv_path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            address_id = int(row["address_id"])
            if address_id in ids:
                texts[address_id] = (
                    f"{row['streetname_nl']} {row['house_number']},"
                    f" {row['postcode']} {row['postname_nl']}"
                )
    return texts


def run_ours(data: dict, exact: dict[int, str]) -> dict:
    from buurt.geocoding import GeocodeInputError, autocomplete, geocode

    def safe(function, text, **kwargs):
        try:
            return function(text, **kwargs)
        except GeocodeInputError:
            return []

    queries = data["queries"]
    for query in queries[:20]:  # warm up caches and connections
        safe(geocode, query["q"], limit=1)

    exact_ms = []
    for query in queries:
        elapsed, _ = timed(safe, geocode, exact[query["id"]], limit=1)
        exact_ms.append(elapsed)

    answers, messy_ms = [], []
    for query in queries:
        elapsed, found = timed(safe, geocode, query["q"], limit=1)
        messy_ms.append(elapsed)
        answers.append([found[0].lat, found[0].lon] if found else None)

    autocomplete_ms = [timed(safe, autocomplete, text, limit=8)[0] for text in data["autocomplete"]]
    return {
        "exact_ms": exact_ms,
        "search_ms": messy_ms,
        "autocomplete_ms": autocomplete_ms,
        "answers": answers,
    }


def run_addok(docs: Path, queries: Path) -> dict | None:
    if not ADDOK_PYTHON.exists():
        return None
    result = subprocess.run(
        [str(ADDOK_PYTHON), str(ROOT / "bench" / "addok_runner.py"), str(docs), str(queries)],
        capture_output=True,
        text=True,
        env=dict(os.environ, ADDOK_REDIS_DB=os.environ.get("ADDOK_REDIS_DB", "14")),
    )
    if result.returncode != 0:
        return {"error": result.stderr.strip()[-2000:]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def accuracy(queries, answers) -> tuple[float, dict]:
    by_kind: dict[str, list[bool]] = {}
    for query, answer in zip(queries, answers, strict=True):
        ok = answer is not None and metres(query["lat"], query["lon"], *answer) <= TOP1_METRES
        by_kind.setdefault(query["kind"], []).append(ok)
    everything = [ok for oks in by_kind.values() for ok in oks]
    return (
        round(100 * sum(everything) / len(everything), 1),
        {kind: round(100 * sum(oks) / len(oks), 1) for kind, oks in sorted(by_kind.items())},
    )


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--data", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--skip-import", action="store_true", help="reuse the loaded data")
    parser.add_argument("--no-addok", action="store_true")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    database_url = os.environ.get("DATABASE_URL", "")
    backend = "postgis" if database_url.startswith(("postgis", "postgres")) else "spatialite"

    args.data.mkdir(parents=True, exist_ok=True)
    stem = f"gazetteer-{args.size}"
    csv_path = args.data / f"{stem}.csv"
    queries_path = args.data / f"{stem}.queries.json"
    docs_path = args.data / f"{stem}.addok.jsonl"
    if not (csv_path.exists() and queries_path.exists() and docs_path.exists()):
        geocoding_data.main(
            ["--size", str(args.size), "--queries", str(args.queries), "--out", str(args.data)]
        )
    data = json.loads(queries_path.read_text(encoding="utf-8"))
    data["queries"] = data["queries"][: args.queries]
    data["autocomplete"] = data["autocomplete"][: args.queries]
    if len(data["queries"]) < args.queries:
        raise SystemExit(f"{queries_path} has fewer queries: delete it to regenerate")

    out = args.results / f"geocoding-{backend}-{args.size}"
    import_result = None
    if args.skip_import and out.with_suffix(".json").exists():
        import_result = json.loads(out.with_suffix(".json").read_text())["import"]
    if not args.skip_import:
        prepare_database(backend == "postgis")
        import_result = run_import(csv_path)
        print(f"import: {import_result}", flush=True)
    import django

    django.setup()
    ours = run_ours(data, exact_texts(csv_path, {query["id"] for query in data["queries"]}))
    our_accuracy, our_by_kind = accuracy(data["queries"], ours["answers"])

    addok = None if args.no_addok else run_addok(docs_path, queries_path)
    addok_summary = None
    if addok and "error" not in addok:
        answers = addok["answers"][: len(data["queries"])]
        addok_accuracy, addok_by_kind = accuracy(data["queries"], answers)
        addok_summary = {
            "load_s": addok["load_s"],
            "search_p50_ms": pct(addok["search_ms"], 0.5),
            "search_p95_ms": pct(addok["search_ms"], 0.95),
            "autocomplete_p50_ms": pct(addok["autocomplete_ms"], 0.5),
            "autocomplete_p95_ms": pct(addok["autocomplete_ms"], 0.95),
            "top1_within_25m_pct": addok_accuracy,
            "top1_by_kind_pct": addok_by_kind,
        }
    elif addok:
        addok_summary = addok

    result = {
        "backend": backend,
        "size": args.size,
        "queries": len(data["queries"]),
        "import": import_result,
        "ours": {
            "exact_p50_ms": pct(ours["exact_ms"], 0.5),
            "exact_p95_ms": pct(ours["exact_ms"], 0.95),
            "search_p50_ms": pct(ours["search_ms"], 0.5),
            "search_p95_ms": pct(ours["search_ms"], 0.95),
            "autocomplete_p50_ms": pct(ours["autocomplete_ms"], 0.5),
            "autocomplete_p95_ms": pct(ours["autocomplete_ms"], 0.95),
            "top1_within_25m_pct": our_accuracy,
            "top1_by_kind_pct": our_by_kind,
        },
        "addok": addok_summary,
        "machine": f"{os.cpu_count()} cores, Python {sys.version.split()[0]}",
    }
    args.results.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    out.with_suffix(".md").write_text(markdown(result), encoding="utf-8")
    print(markdown(result))
    return result


def markdown(result: dict) -> str:
    ours, addok, imp = result["ours"], result["addok"] or {}, result["import"] or {}
    rows = [
        ("import time", f"{imp.get('seconds', '—')} s", f"{addok.get('load_s', '—')} s"),
        ("import peak RSS", f"{imp.get('peak_rss_mb', '—')} MB", "—"),
        ("exact lookup p50 / p95", f"{ours['exact_p50_ms']} / {ours['exact_p95_ms']} ms", "—"),
        (
            "messy search p50 / p95",
            f"{ours['search_p50_ms']} / {ours['search_p95_ms']} ms",
            f"{addok.get('search_p50_ms', '—')} / {addok.get('search_p95_ms', '—')} ms",
        ),
        (
            "autocomplete p50 / p95",
            f"{ours['autocomplete_p50_ms']} / {ours['autocomplete_p95_ms']} ms",
            f"{addok.get('autocomplete_p50_ms', '—')} / {addok.get('autocomplete_p95_ms', '—')} ms",
        ),
        (
            "top-1 within 25 m",
            f"{ours['top1_within_25m_pct']} %",
            f"{addok.get('top1_within_25m_pct', '—')} %",
        ),
    ]
    kinds = sorted(ours["top1_by_kind_pct"])
    for kind in kinds:
        rows.append(
            (
                f"  {kind}",
                f"{ours['top1_by_kind_pct'][kind]} %",
                f"{(addok.get('top1_by_kind_pct') or {}).get(kind, '—')} %",
            )
        )
    lines = [
        f"### {result['backend']}, {result['size']:,} addresses, {result['queries']} queries "
        f"({result['machine']})",
        "",
        "| | Buurtkaart | addok |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
    ]
    if addok.get("error"):
        lines += ["", f"addok failed: {addok['error'][:300]}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
