"""Benchmark of the search near a place ("what is there near this address?").

Not a test: it prints figures and writes them to bench/results/search-<backend>-<scale>.json
and .md (and the table of all runs, bench/results/search.md). It uses a database of its own,
never the development or test databases:

    DEBUG=1 .venv/bin/python bench/search.py --backend postgis --scale 100000
    DEBUG=1 .venv/bin/python bench/search.py --backend spatialite --scale 100000
    # a million in a database of its own (seeding takes 10 to 20 minutes):
    DEBUG=1 .venv/bin/python bench/search.py --scale 1000000 \
        --database-url postgis://postgres@127.0.0.1:5432/buurtkaart_bench_1m

It measures, on the same seeded listings (`manage.py seed_demo --scale N`):
1. the search API server-side (Django's test client, the whole stack in one process), p50/p95
   per radius, with a mix of filters;
2. the SQL that one API call runs, on its own: EXPLAIN ANALYZE execution times on PostGIS,
   the bare cursor time on SpatiaLite; and the ratio of the API to it;
3. the API under gunicorn with a bounded load from a second process on loopback
   (bench/load.py: a fixed number of requests, at most --concurrency in flight);
4. the weight and server render time of the search page for ~5,000 matching listings, against
   a naive folium page with one folium.Marker per listing.

"count" is what the API answers: counting stops after the nearest 1,000 places of a kind
(maps.search.service.MAX_COUNTED), so at a million listings most counts are "1,000+".
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
RADII = (400, 800, 1200, 2400)
FILTERS = [
    (),
    (),
    (),
    (("reduced_rate", "1"),),
    (("access", "wheelchair"),),
    (("language", "ar"),),
    (("come_alone", "1"),),
    (("category", "culture"), ("category", "sports")),
    (("model", "peers"),),
]
TARGETS = {
    "postgis": {"p95_ms": {100_000: 50, 1_000_000: 100}, "ratio": 3},
    "spatialite": {"p95_ms": {100_000: 150}},
}


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), by linear interpolation; nan for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = (len(ordered) - 1) * q / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def summary(values: list[float]) -> dict:
    return {
        "n": len(values),
        "p50": round(percentile(values, 50), 2),
        "p95": round(percentile(values, 95), 2),
        "max": round(max(values), 2) if values else None,
    }


# --- set-up ----------------------------------------------------------------------------------


def database_url(args) -> str:
    if args.database_url:
        return args.database_url
    if args.backend == "postgis":
        return "postgis://postgres@127.0.0.1:5432/buurtkaart_bench_search"
    return f"spatialite:///{ROOT / 'var' / 'bench' / 'search.sqlite3'}"


def ensure_database(url: str) -> None:
    """Create the PostGIS benchmark database if it is missing (PostGIS comes from template1)."""
    if not url.startswith("postgis://"):
        Path(url.removeprefix("spatialite://")).parent.mkdir(parents=True, exist_ok=True)
        return
    import psycopg

    rest = url.removeprefix("postgis://")
    credentials, _at, location = rest.rpartition("@")
    hostport, _slash, name = location.partition("/")
    host, _colon, port = hostport.partition(":")
    user = credentials.split(":")[0] or "postgres"
    with psycopg.connect(
        host=host, port=port or 5432, user=user, dbname="postgres", autocommit=True
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def seed(scale: int) -> int:
    """Bring the synthetic listings up to `scale`; returns the number of public listings."""
    from django.core.management import call_command
    from django.db import connection

    from buurt.demo import SCALE_SLUG_PREFIX
    from buurt.models import Organisation

    call_command("migrate", verbosity=0)
    existing = Organisation.objects.filter(slug__startswith=SCALE_SLUG_PREFIX).count()
    if existing < scale:
        print(f"seeding {scale - existing} listings ...", flush=True)
        started = time.perf_counter()
        call_command("seed_demo", scale=scale - existing, verbosity=0)
        print(f"  seeded in {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    return Organisation.objects.on_map().count()


def search_paths(count: int, *, radius: int | None, seed_value: int = 42) -> list[str]:
    """API paths of searches from points spread like the listings, with a mix of filters."""
    import spatial
    from buurt.demo import SCALE_SPREAD_M, gent_outline, gent_postcodes

    rng = random.Random(f"{seed_value}-{radius}")
    centres = [postcode.centroid for postcode in gent_postcodes()]
    points = spatial.scatter_points(
        centres, count=count, spread_m=SCALE_SPREAD_M, rng=rng, within=gent_outline()
    )
    paths = []
    for point in points:
        pairs = [("lat", f"{point.y:.6f}"), ("lon", f"{point.x:.6f}")]
        pairs.append(("radius", str(radius or rng.choice(RADII))))
        pairs += list(rng.choice(FILTERS))
        paths.append("/api/search/?" + urlencode(pairs))
    return paths


# --- 1 and 2: in process ---------------------------------------------------------------------


def bare_sql_ms(queries: list[dict]) -> list[float]:
    """Execution time (ms) of each SELECT an API call ran, run again on its own."""
    from django.db import connection

    times = []
    with connection.cursor() as cursor:
        for query in queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                times.append(plan[0]["Execution Time"])
            else:
                started = time.perf_counter()
                cursor.execute(sql)
                cursor.fetchall()
                times.append((time.perf_counter() - started) * 1000)
    return times


def measure_in_process(requests: int, explain: int) -> dict:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    results = {}
    for radius in RADII:
        paths = search_paths(requests + 10, radius=radius)
        for path in paths[:10]:  # warm caches and connections
            client.get(path)
        api, bare_total, bare_main, ratios, counts = [], [], [], [], []
        for i, path in enumerate(paths[10:]):
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as captured:
                response = client.get(path)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, (path, response.content[:300])
            api.append(elapsed)
            counts.append(response.json()["count"])
            if i < explain:
                sql = bare_sql_ms(captured.captured_queries)
                bare_total.append(sum(sql))
                bare_main.append(max(sql))
                ratios.append(elapsed / sum(sql))
            reset_queries()
        results[radius] = {
            "api_ms": summary(api),
            "sql_total_ms": summary(bare_total),
            "sql_slowest_ms": summary(bare_main),
            "api_to_sql": summary(ratios),
            "results_p50": percentile(counts, 50),
        }
        row = results[radius]
        print(
            f"  radius {radius:>5} m: API p50 {row['api_ms']['p50']:7.2f} ms, "
            f"p95 {row['api_ms']['p95']:7.2f} ms | SQL p50 {row['sql_total_ms']['p50']:7.2f} "
            f"p95 {row['sql_total_ms']['p95']:7.2f} ms | API/SQL p50 "
            f"{row['api_to_sql']['p50']:.2f} | count p50 {row['results_p50']:.0f}",
            flush=True,
        )
    return results


# --- 3: gunicorn and a load from a second process --------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(port: int, process, *, timeout: float = 30) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped: " + process.stderr.read().decode()[-2000:])
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer in time")


def measure_gunicorn(url: str, *, requests: int, concurrency: int, workers: int) -> dict:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DEBUG": "0",
        "SECRET_KEY": "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        # Production keeps database connections open between requests (CONN_MAX_AGE).
        "CONN_MAX_AGE": "60",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--chdir",
            str(ROOT),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        wait_until_up(port, server)
        paths = search_paths(requests, radius=None, seed_value=7)
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
            handle.write("\n".join(paths[: max(20, requests // 10)]))  # warm-up
            warm = handle.name
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
            handle.write("\n".join(paths))
            measured = handle.name
        load = [sys.executable, str(ROOT / "bench" / "load.py"), "--port", str(port)]
        subprocess.run(
            [*load, "--concurrency", str(concurrency), warm], check=True, capture_output=True
        )
        output = subprocess.run(
            [*load, "--concurrency", str(concurrency), measured],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        os.unlink(warm)
        os.unlink(measured)
    finally:
        server.terminate()
        server.wait(timeout=30)
    found = json.loads(output)
    latencies = found["latencies_ms"]
    result = {
        "workers": workers,
        "concurrency": concurrency,
        "latency_ms": summary(latencies),
        "requests_per_s": round(len(latencies) / found["wall_s"], 1),
        "statuses": found["statuses"],
    }
    print(
        f"  gunicorn {workers} workers, {concurrency} in flight: p50 "
        f"{result['latency_ms']['p50']:.2f} ms, p95 {result['latency_ms']['p95']:.2f} ms, "
        f"{result['requests_per_s']} req/s, statuses {found['statuses']}",
        flush=True,
    )
    return result


# --- 4: page weight against a naive folium page ---------------------------------------------


def radius_for(point, wanted: int) -> tuple[int, int]:
    """The smallest radius (metres, at most 10 km) around the point with >= wanted results."""
    from django.http import QueryDict

    from maps.search import service
    from maps.search.forms import parse_search

    def count(radius):
        params = parse_search(QueryDict(f"lat={point.y}&lon={point.x}&radius={radius}"))
        return sum(
            source.query(params, point=point).count() for source in service._selected(params)[0]
        )

    low, high = 50, 10_000
    if count(high) < wanted:
        return high, count(high)
    while high - low > 5:
        middle = (low + high) // 2
        if count(middle) >= wanted:
            high = middle
        else:
            low = middle
    return high, count(high)


def measure_page(listings: int) -> dict:
    import folium
    from django.test import Client
    from django.urls import reverse

    import spatial
    from buurt.search.organisations import OrganisationSource

    centre = spatial.make_point(lat=51.0543, lon=3.7196)  # Korenmarkt
    radius, found = radius_for(centre, listings)
    query = urlencode({"lat": centre.y, "lon": centre.x, "radius": radius})
    client = Client()
    page_times, html = [], b""
    for _ in range(5):
        started = time.perf_counter()
        response = client.get(f"{reverse('maps:search')}?{query}")
        page_times.append((time.perf_counter() - started) * 1000)
        html = response.content
    box = spatial.bbox_around(centre, radius)
    layer = client.get(
        reverse("maps-api:search-bbox")
        + "?"
        + urlencode({"bbox": f"{box.west},{box.south},{box.east},{box.north}"})
        + "&"
        + query
    ).content

    source = OrganisationSource()
    rows = list(
        source.base().filter(source.within(centre, radius)).values_list("name", "point")[:found]
    )
    naive_times, naive = [], ""
    for _ in range(3):
        started = time.perf_counter()
        naive_map = folium.Map(location=[centre.y, centre.x], zoom_start=14)
        for name, point in rows:
            folium.Marker([point.y, point.x], popup=name, tooltip=name).add_to(naive_map)
        naive = naive_map.get_root().render()
        naive_times.append((time.perf_counter() - started) * 1000)
    naive_bytes = naive.encode()

    ours = len(html) + len(layer)
    ours_gzip = len(gzip.compress(html)) + len(gzip.compress(layer))
    result = {
        "listings": found,
        "radius_m": radius,
        "ours_html_bytes": len(html),
        "ours_layer_bytes": len(layer),
        "ours_bytes": ours,
        "ours_gzip_bytes": ours_gzip,
        "ours_render_ms": round(statistics.median(page_times), 1),
        "naive_bytes": len(naive_bytes),
        "naive_gzip_bytes": len(gzip.compress(naive_bytes)),
        "naive_render_ms": round(statistics.median(naive_times), 1),
    }
    result["lighter"] = round(result["naive_bytes"] / ours, 1)
    result["lighter_gzip"] = round(result["naive_gzip_bytes"] / ours_gzip, 1)
    print(
        f"  page for {found} listings (radius {radius} m): ours {ours / 1024:.0f} KiB "
        f"({len(html) / 1024:.0f} KiB page + {len(layer) / 1024:.0f} KiB first map layer), "
        f"{result['ours_render_ms']} ms; naive folium {len(naive_bytes) / 1024:.0f} KiB, "
        f"{result['naive_render_ms']} ms: {result['lighter']}x lighter "
        f"({result['lighter_gzip']}x gzipped)",
        flush=True,
    )
    return result


# --- report ----------------------------------------------------------------------------------


def markdown(results: list[dict]) -> str:
    lines = [
        "# Search benchmark",
        "",
        "Written by `bench/search.py`; one row per backend and size. API times are per "
        "request: server-side (in process) and under gunicorn with a bounded loopback load. "
        "SQL is every query of one API call run on its own (PostGIS: EXPLAIN ANALYZE "
        "execution time). Radius 800 m (10 minutes on foot) with a mix of filters. The count "
        'is the API\'s: it stops after the nearest 1,000 places of a kind (then "1,000+").',
        "",
        "| backend | listings | API p50 | API p95 | SQL p95 | API/SQL p50 | gunicorn p50 | "
        "gunicorn p95 | req/s | page vs naive folium |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in results:
        row = run["in_process"].get("800") or run["in_process"].get(800)
        gun = run.get("gunicorn") or {}
        page = run.get("page") or {}
        lines.append(
            f"| {run['backend']} | {run['listings']:,} | {row['api_ms']['p50']} ms | "
            f"{row['api_ms']['p95']} ms | {row['sql_total_ms']['p95']} ms | "
            f"{row['api_to_sql']['p50']} | "
            f"{gun.get('latency_ms', {}).get('p50', '–')} ms | "
            f"{gun.get('latency_ms', {}).get('p95', '–')} ms | {gun.get('requests_per_s', '–')} | "
            + (
                f"{page['lighter']}× lighter ({page['ours_bytes'] // 1024} KiB vs "
                f"{page['naive_bytes'] // 1024} KiB for {page['listings']:,} listings)"
                if page
                else "–"
            )
            + " |"
        )
    lines += ["", "Per radius (in process):", ""]
    lines += [
        "| backend | listings | radius | count p50 | API p50 | API p95 | SQL p50 | SQL p95 "
        "| API/SQL p50 |"
    ]
    lines += ["|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for run in results:
        for radius, row in run["in_process"].items():
            lines.append(
                f"| {run['backend']} | {run['listings']:,} | {radius} m | "
                f"{row['results_p50']:.0f} | {row['api_ms']['p50']} ms | "
                f"{row['api_ms']['p95']} ms | {row['sql_total_ms']['p50']} ms | "
                f"{row['sql_total_ms']['p95']} ms | {row['api_to_sql']['p50']} |"
            )
    return "\n".join(lines) + "\n"


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgis", "spatialite"], default="postgis")
    parser.add_argument("--database-url", help="default: a database of the benchmark's own")
    parser.add_argument("--scale", type=int, default=100_000, help="synthetic listings")
    parser.add_argument("--requests", type=int, default=300, help="in process, per radius")
    parser.add_argument("--explain", type=int, default=100, help="of which SQL is re-run")
    parser.add_argument("--load-requests", type=int, default=2_000, help="under gunicorn")
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--page-listings", type=int, default=5_000)
    parser.add_argument("--no-gunicorn", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    url = database_url(args)
    ensure_database(url)
    setup_django(url)
    from django.db import connection

    listings = seed(args.scale)
    backend = "postgis" if connection.vendor == "postgresql" else "spatialite"
    print(f"{backend}: {listings:,} public listings", flush=True)
    run = {
        "backend": backend,
        "listings": listings,
        "scale": args.scale,
        "date": time.strftime("%Y-%m-%d"),
        "machine": f"{os.cpu_count()} CPUs",
        "in_process": measure_in_process(args.requests, args.explain),
    }
    if not args.no_gunicorn:
        run["gunicorn"] = measure_gunicorn(
            url, requests=args.load_requests, concurrency=args.concurrency, workers=args.workers
        )
    if args.page_listings:
        run["page"] = measure_page(args.page_listings)

    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"search-{backend}-{args.scale}"
    (args.out / f"{stem}.json").write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
    (args.out / f"{stem}.md").write_text(markdown([run]), encoding="utf-8")
    everything = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(args.out.glob("search-*.json"))
    ]
    (args.out / "search.md").write_text(markdown(everything), encoding="utf-8")
    print(f"written: {args.out / stem}.json, .md and {args.out / 'search.md'}", flush=True)
    return run


if __name__ == "__main__":
    main()
