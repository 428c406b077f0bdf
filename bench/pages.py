"""Benchmark of the pages that carry a map (issue 18, "pages that do not carry their data"):
the home page and the busiest neighbourhood's page, their size (raw and gzipped) and server
time, with N extra synthetic listings around Gent (buurt.demo.demo_scale).

Not a test: it prints a table and writes bench/results/pages-<label>.json. Server time is the
Django request in-process (the test client: middleware, views, templates, queries; no network),
the median of 15 requests after 3 warm-ups. It measures the code of the tree it runs from, so
the same command in an older checkout gives the "before" figures (same database):

    createdb -h 127.0.0.1 -U postgres buurtkaart_pages_bench
    DEBUG=1 DATABASE_URL=postgis://postgres@127.0.0.1:5432/buurtkaart_pages_bench \\
        .venv/bin/python bench/pages.py --listings 1000 20000 --label after
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))
WARM_UP, TIMED = 3, 15


def measure(client, url: str) -> dict:
    for _ in range(WARM_UP):
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(TIMED):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    body = response.content
    return {
        "url": url,
        "bytes": len(body),
        "gzip_bytes": len(gzip.compress(body, compresslevel=6)),
        "median_ms": round(statistics.median(times), 1),
        "max_ms": round(max(times), 1),
    }


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, nargs="+", default=[1000, 20000])
    parser.add_argument("--label", default="run")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client

    from buurt.demo import SCALE_SLUG_PREFIX, demo_scale
    from buurt.models import Neighbourhood, Organisation

    call_command("migrate", verbosity=0)
    if not Neighbourhood.objects.exists():
        call_command("seed_demo", verbosity=0)
    client = Client(SERVER_NAME="localhost", HTTP_ACCEPT_LANGUAGE="nl")
    rows = []
    for target in sorted(args.listings):
        extra = Organisation.objects.filter(slug__startswith=SCALE_SLUG_PREFIX).count()
        if extra < target:
            demo_scale(count=target - extra)
            if connection.vendor == "postgresql":
                # Fresh statistics, as autovacuum would give them in a while: right after a
                # bulk insert the planner takes 20,000 listings for 10 (the week's query then
                # took 140 ms instead of 1).
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
        busiest = (
            Neighbourhood.objects.annotate(n=Count("organisations")).order_by("-n", "code").first()
        )
        for name, url in (("home", "/"), ("neighbourhood", busiest.get_absolute_url())):
            row = {"label": args.label, "extra_listings": target, "page": name}
            row.update(measure(client, url))
            rows.append(row)
            print(
                f"{args.label:8} {target:>7,} extra  {name:13} {row['bytes']:>10,} B"
                f"  {row['gzip_bytes']:>9,} B gzip  {row['median_ms']:>8} ms median"
                f"  ({row['max_ms']} max)",
                flush=True,
            )
    args.results.mkdir(exist_ok=True)
    (args.results / f"pages-{args.label}.json").write_text(json.dumps(rows, indent=1) + "\n")
    return rows


if __name__ == "__main__":
    main()
