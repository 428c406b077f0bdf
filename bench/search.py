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
   a naive folium page with one folium.Marker per listing;
5. the floor: the bare nearest-neighbour query (`ORDER BY point <-> ref LIMIT 26` in the
   radius's box) through the same connection, round trip included, and the ratio of the API
   to it ("API/floor"); "API/SQL" divides by all the SQL of a call instead (counts included);
6. with --baseline-tree (a checkout of older code, e.g. a git worktree of main): the same
   gunicorn load against the old and the new code in one run: the search mix, the bounding-box
   map layer (/api/search/bbox/, 2,400 m) and an empty search with a rare filter (a kind no
   synthetic listing has, 2,400 m).

"count" is what the API answers: counting stops after the nearest 1,000 places of a kind
(maps.search.service.MAX_COUNTED), so at a million listings most counts are "1,000+".
"""

from __future__ import annotations

import argparse
import contextlib
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


def floor_ms(paths: list[str]) -> list[float]:
    """Round trip (ms) of the bare nearest-neighbour query at each path's point and radius:
    the 26 nearest organisations in the radius's box through the GiST index, nothing else."""
    from urllib.parse import parse_qs, urlsplit

    from django.db import connection

    import spatial
    from spatial.nearest import _box_polygon

    times = []
    with connection.cursor() as cursor:
        for path in paths:
            query = parse_qs(urlsplit(path).query)
            point = spatial.make_point(lat=float(query["lat"][0]), lon=float(query["lon"][0]))
            box = _box_polygon(spatial.bbox_around(point, float(query["radius"][0])))
            ref = f"SRID=4326;POINT({point.x!r} {point.y!r})"
            started = time.perf_counter()
            cursor.execute(
                "SELECT id, point <-> ST_GeogFromText(%s) AS d FROM buurt_organisation "
                "WHERE point && ST_GeogFromText(%s) ORDER BY d LIMIT 26",
                [ref, box],
            )
            cursor.fetchall()
            times.append((time.perf_counter() - started) * 1000)
    return times


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
        floor = floor_ms(paths[10:]) if connection.vendor == "postgresql" else []
        results[radius] = {
            "api_ms": summary(api),
            "floor_ms": summary(floor),
            "api_to_floor": round(percentile(api, 50) / percentile(floor, 50), 1)
            if floor
            else None,
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
            f"{row['api_to_sql']['p50']:.2f} | floor p50 {row['floor_ms']['p50']:.2f} ms, "
            f"API/floor {row['api_to_floor']} | count p50 {row['results_p50']:.0f}",
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


def bbox_paths(count: int, *, seed_value: int = 11) -> list[str]:
    """Map-layer paths: the box of a 2,400 m search around points spread like the listings."""
    import spatial

    paths = []
    for path in search_paths(count, radius=2400, seed_value=seed_value):
        query = path.split("?", 1)[1]
        pairs = dict(pair.split("=", 1) for pair in query.split("&"))
        point = spatial.make_point(lat=float(pairs["lat"]), lon=float(pairs["lon"]))
        box = spatial.bbox_around(point, 2400)
        paths.append(
            f"/api/search/bbox/?bbox={box.west:.5f},{box.south:.5f},{box.east:.5f},"
            f"{box.north:.5f}&lat={pairs['lat']}&lon={pairs['lon']}&radius=2400"
        )
    return paths


def rare_paths(count: int, *, seed_value: int = 13) -> list[str]:
    """Searches at 2,400 m for a kind no synthetic listing has ("other"): empty nearly
    everywhere, the case that used to read the whole radius."""
    paths = search_paths(count, radius=2400, seed_value=seed_value)
    return [path.split("&radius=")[0] + "&radius=2400&category=other" for path in paths]


@contextlib.contextmanager
def kind_index(*, present: bool):
    """With buurt_organisation_kind dropped (present=False) for the block, then made again."""
    from django.db import connection

    if present or connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX IF EXISTS buurt_organisation_kind")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS buurt_organisation_kind ON buurt_organisation (kind)"
            )
            cursor.execute("ANALYZE buurt_organisation")


def gunicorn_env(url: str, *, root: Path = ROOT) -> dict:
    """The environment of gunicorn in a benchmark: production's settings on `url`. DEBUG is
    off: with it, Django keeps the SQL of a request's every query (connection.queries)."""
    return {
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
        "PYTHONPATH": str(root),
    }


def gunicorn_command(port: int, workers: int, *options: str, root: Path = ROOT) -> list[str]:
    return [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--chdir",
        str(root),
        *options,
    ]


def start_gunicorn(url: str, *, root: Path, workers: int) -> tuple[subprocess.Popen, int]:
    """gunicorn serving the code in `root` on a free port, once it answers."""
    port = free_port()
    server = subprocess.Popen(
        gunicorn_command(port, workers, root=root),
        env=gunicorn_env(url, root=root),
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    wait_until_up(port, server)
    return server, port


def run_load(port: int, paths: list[str], *, concurrency: int) -> dict:
    """bench/load.py's answer for the paths against the server on `port`."""
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(paths))
        name = handle.name
    try:
        output = subprocess.run(
            [
                sys.executable,
                str(ROOT / "bench" / "load.py"),
                "--port",
                str(port),
                "--concurrency",
                str(concurrency),
                name,
            ],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        os.unlink(name)
    return json.loads(output)


def measure_gunicorn(
    url: str,
    *,
    trees: dict[str, Path],
    sets: dict[str, list[str]],
    concurrency: int,
    workers: int,
    chunks: int = 5,
) -> dict:
    """Each set of paths against gunicorn serving each tree (2 workers each, both started
    at once), in `chunks` slices taken in turn, old then new: on a shared machine whose load
    changes by the minute, both see the same load. The old code's slices of the rare set run
    without the index on organisations' kind (buurt 0016), which it did not have."""
    servers = {
        label: start_gunicorn(url, root=tree, workers=workers) for label, tree in trees.items()
    }
    found: dict[str, dict[str, dict]] = {label: {} for label in trees}
    try:
        for name, paths in sets.items():
            for _server, port in servers.values():
                run_load(port, paths[: max(20, len(paths) // 10)], concurrency=concurrency)
            size = -(-len(paths) // chunks)
            for start in range(0, len(paths), size):
                for label, (_server, port) in servers.items():
                    with kind_index(present=not (label == "old" and name == "rare")):
                        part = run_load(port, paths[start : start + size], concurrency=concurrency)
                    row = found[label].setdefault(
                        name, {"latencies_ms": [], "wall_s": 0.0, "statuses": {}}
                    )
                    row["latencies_ms"] += part["latencies_ms"]
                    row["wall_s"] += part["wall_s"]
                    for status, n in part["statuses"].items():
                        row["statuses"][status] = row["statuses"].get(status, 0) + n
    finally:
        for server, _port in servers.values():
            server.terminate()
            server.wait(timeout=30)
    results: dict[str, dict] = {}
    for label, by_set in found.items():
        results[label] = {}
        for name, row in by_set.items():
            results[label][name] = {
                "workers": workers,
                "concurrency": concurrency,
                "latency_ms": summary(row["latencies_ms"]),
                "requests_per_s": round(len(row["latencies_ms"]) / row["wall_s"], 1),
                "statuses": row["statuses"],
            }
            result = results[label][name]
            print(
                f"  gunicorn ({label}) {name}: {workers} workers, {concurrency} in flight: "
                f"p50 {result['latency_ms']['p50']:.2f} ms, p95 "
                f"{result['latency_ms']['p95']:.2f} ms, {result['requests_per_s']} req/s, "
                f"statuses {result['statuses']}",
                flush=True,
            )
    return results


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


def print_side_by_side(run: dict) -> None:
    """The figures of issue 18 in one table: old and new code, same run, same database."""
    trees = run["gunicorn_trees"]
    print(f"\nside by side, {run['listings']:,} listings, load average {run['load_average']}:")
    print(f"  {'':32} " + " ".join(f"{label:>22}" for label in trees))
    for name, label in [
        ("search", "search API mix p50 / p95, req/s"),
        ("bbox", "bbox 2,400 m p50 / p95, req/s"),
        ("rare", "rare empty 2,400 m p50 / p95, req/s"),
    ]:
        cells = []
        for tree in trees.values():
            row = tree[name]
            cells.append(
                f"{row['latency_ms']['p50']:.1f} / {row['latency_ms']['p95']:.1f} ms, "
                f"{row['requests_per_s']:.0f}"
            )
        print(f"  {label:32} " + " ".join(f"{cell:>22}" for cell in cells))
    for radius, row in run["in_process"].items():
        print(
            f"  in process (new) {radius} m: API p50 {row['api_ms']['p50']} ms, floor p50 "
            f"{row['floor_ms']['p50']} ms, API/floor {row['api_to_floor']}, API/SQL "
            f"{row['api_to_sql']['p50']}"
        )


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
        gun = gun.get("search", gun)  # runs before issue 18 stored the search set alone
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
    parser.add_argument(
        "--baseline-tree",
        type=Path,
        help="a checkout of the code to compare with (e.g. a git worktree of main): the "
        "gunicorn loads run against it too, in the same run",
    )
    parser.add_argument("--layer-requests", type=int, default=300, help="bbox and rare, each")
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
        extra = {
            "bbox": bbox_paths(args.layer_requests),
            "rare": rare_paths(args.layer_requests),
        }
        trees = {"new": ROOT}
        if args.baseline_tree:
            trees = {"old": args.baseline_tree.resolve(), **trees}
        sets = {"search": search_paths(args.load_requests, radius=None, seed_value=7), **extra}
        run["gunicorn_trees"] = measure_gunicorn(
            url, trees=trees, sets=sets, concurrency=args.concurrency, workers=args.workers
        )
        run["gunicorn"] = run["gunicorn_trees"]["new"]
        run["load_average"] = os.getloadavg()
        print_side_by_side(run)
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
