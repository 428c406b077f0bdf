"""Benchmark of the map's vector tiles against the bounding-box API they replace.

Not a test: it prints figures, with progress, and writes bench/results/tiles-<backend>.json
and .md. It uses a database of its own and grows it from one size to the next (the synthetic
listings of `manage.py seed_demo --scale N`, around Gent's postcodes):

    DEBUG=1 nice -n 15 .venv/bin/python bench/tiles.py --scales 10000 100000 1000000
    DEBUG=1 nice -n 15 .venv/bin/python bench/tiles.py --backend spatialite --scales 10000

Per size, side by side for the same map views (a 1280 x 800 px map centred on the Korenmarkt
at zoom 12 to 17, so every tile that view needs):
1. a tile through the whole stack in process (Django's test client): p50/p95 per zoom and the
   gzipped bytes of a tile;
2. the floor: the tile's own SQL run on its own on a cursor (ST_AsMVT on PostGIS; on
   SpatiaLite the grouping SQL, plus the encoding in Python), and on PostGIS the bare
   ST_AsMVT of every point in the tile, unclustered and unfiltered;
3. the old `/api/search/bbox/` for the same view (one answer per view, up to 1,000 places);
4. tiles/s and bbox answers/s under gunicorn (2 workers) with a bounded loopback load
   (bench/load.py), the tile paths of every zoom mixed.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import (  # noqa: E402
    ensure_database,
    setup_django,
    start_gunicorn,
    summary,
)

RESULTS = ROOT / "bench" / "results"
ZOOMS = (12, 13, 14, 15, 16, 17)
CENTRE = (3.7196, 51.0543)  # Korenmarkt, lon/lat
VIEW_PX = (1280, 800)
FILTERED = "category=culture&category=sports"  # a filter the map passes on, in every other view
TARGETS = {"p95_ms": 50, "gzip_kb": 50, "tiles_per_s": 200, "growth": 1.5}


def log(message: str) -> None:
    print(message, flush=True)


def view_tiles(z: int) -> list[tuple[int, int, int]]:
    """The XYZ tiles of a VIEW_PX map centred on CENTRE at zoom z (256 px tiles)."""
    n = 2**z
    lon, lat = CENTRE
    cx = (lon + 180) / 360 * n * 256
    cy = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n * 256
    w, h = VIEW_PX
    xs = range(int((cx - w / 2) // 256), int((cx + w / 2) // 256) + 1)
    ys = range(int((cy - h / 2) // 256), int((cy + h / 2) // 256) + 1)
    return [(z, x, y) for x in xs for y in ys]


def view_bbox(z: int) -> str:
    """west,south,east,north of the same view."""
    n = 2**z * 256
    lon, lat = CENTRE
    cx = (lon + 180) / 360 * n
    cy = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n
    w, h = VIEW_PX

    def lonlat(px, py):
        return px / n * 360 - 180, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * py / n))))

    west, north = lonlat(cx - w / 2, cy - h / 2)
    east, south = lonlat(cx + w / 2, cy + h / 2)
    return f"{west:.6f},{south:.6f},{east:.6f},{north:.6f}"


def tile_path(z, x, y, query: str = "") -> str:
    return f"/api/tiles/{z}/{x}/{y}.mvt" + (f"?{query}" if query else "")


def nice_backend() -> None:
    from bench.reach import nice_backend as renice

    renice()


def seed(scale: int) -> int:
    from django.core.management import call_command
    from django.db import connection

    from buurt.demo import SCALE_SLUG_PREFIX
    from buurt.models import Organisation

    call_command("migrate", verbosity=0)
    existing = Organisation.objects.filter(slug__startswith=SCALE_SLUG_PREFIX).count()
    if existing < scale:
        log(f"seeding {scale - existing:,} listings (to {scale:,}) ...")
        started = time.perf_counter()
        call_command("seed_demo", scale=scale - existing, verbosity=1)  # tqdm progress
        log(f"  seeded in {time.perf_counter() - started:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return Organisation.objects.on_map().count()


def floor_ms(z: int, x: int, y: int, query: str, repeat: int) -> tuple[list[float], list[float]]:
    """(the tile's own SQL on a cursor, the bare unclustered ST_AsMVT) in ms, `repeat` each."""
    from django.db import connection
    from django.http import QueryDict

    from maps import tiles
    from maps.search.forms import parse_search
    from spatial import tiles as spatial_tiles

    params = parse_search(QueryDict(query))
    tile = spatial_tiles.Tile(z, x, y)
    _db, places = tiles.tile_places(params, tile)
    ours = []
    for _ in range(repeat):
        started = time.perf_counter()
        spatial_tiles.tile_mvt(connection, tile, places)
        ours.append((time.perf_counter() - started) * 1000)
    bare = []
    if connection.vendor == "postgresql":
        sql = (
            "SELECT ST_AsMVT(q, 'places') FROM (SELECT id, ST_AsMVTGeom(ST_Transform("
            "point::geometry, 3857), ST_TileEnvelope(%s, %s, %s)) AS geom "
            "FROM buurt_organisation WHERE point && ST_Transform(ST_TileEnvelope(%s, %s, %s), "
            "4326)::geography) AS q"
        )
        with connection.cursor() as cursor:
            for _ in range(repeat):
                started = time.perf_counter()
                cursor.execute(sql, [z, x, y, z, x, y])
                cursor.fetchone()
                bare.append((time.perf_counter() - started) * 1000)
    return ours, bare


def measure_in_process(repeat: int) -> dict:
    from django.test import Client

    client = Client()
    results = {}
    for z in ZOOMS:
        tiles = view_tiles(z)
        times, sizes, features_in, ours_sql, bare_sql, bbox_times, bbox_sizes = (
            [],
            [],
            [],
            [],
            [],
            [],
            [],
        )
        for query in ("", FILTERED):
            for t in tiles:
                client.get(tile_path(*t, query))  # warm
            for _ in range(repeat):
                for t in tiles:
                    started = time.perf_counter()
                    response = client.get(tile_path(*t, query))
                    times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code in (200, 204), response.content[:300]
                    sizes.append(len(gzip.compress(response.content)) if response.content else 0)
            if not query:
                for t in tiles:
                    features_in.append(_features(client.get(tile_path(*t)).content))
            for t in tiles[:: max(1, len(tiles) // 6)]:
                ours, bare = floor_ms(*t, query, repeat=3)
                ours_sql += ours
                bare_sql += bare
            bbox = "/api/search/bbox/?" + urlencode({"bbox": view_bbox(z)})
            bbox += f"&{query}" if query else ""
            client.get(bbox)
            for _ in range(max(3, repeat)):
                started = time.perf_counter()
                response = client.get(bbox)
                bbox_times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.content[:300]
                bbox_sizes.append(len(gzip.compress(response.content)))
        row = {
            "tiles_per_view": len(tiles),
            "tile_ms": summary(times),
            "tile_gzip_bytes": summary(sizes),
            "features_per_tile": summary(features_in),
            "tile_sql_ms": summary(ours_sql),
            "bare_mvt_ms": summary(bare_sql),
            "bbox_ms": summary(bbox_times),
            "bbox_gzip_bytes": summary(bbox_sizes),
        }
        results[z] = row
        log(
            f"  z{z}: {len(tiles)} tiles/view | tile p50 {row['tile_ms']['p50']:6.1f} p95 "
            f"{row['tile_ms']['p95']:6.1f} ms, gz p95 {row['tile_gzip_bytes']['p95'] / 1024:5.1f}"
            f" KiB, features p50 {row['features_per_tile']['p50']:.0f} | tile SQL p50 "
            f"{row['tile_sql_ms']['p50']:6.1f} p95 {row['tile_sql_ms']['p95']:6.1f} | bare "
            f"ST_AsMVT p50 {row['bare_mvt_ms']['p50']:6.1f} p95 {row['bare_mvt_ms']['p95']:6.1f}"
            f" | bbox/view p50 {row['bbox_ms']['p50']:6.1f} p95 {row['bbox_ms']['p95']:6.1f} ms"
            f" gz {row['bbox_gzip_bytes']['p50'] / 1024:5.1f} KiB"
        )
    return results


def _features(body: bytes) -> int:
    if not body:
        return 0
    import mapbox_vector_tile

    return len(mapbox_vector_tile.decode(body).get("places", {}).get("features", []))


def measure_gunicorn(
    url: str, *, requests: int, bbox_requests: int, concurrency: int, workers: int
) -> dict:
    server, port = start_gunicorn(url, root=ROOT, workers=workers)
    result = {}
    try:
        tile_paths = [
            tile_path(*t, q) for z in ZOOMS for t in view_tiles(z) for q in ("", FILTERED)
        ]
        bbox_paths = [
            "/api/search/bbox/?" + urlencode({"bbox": view_bbox(z)}) + (f"&{q}" if q else "")
            for z in ZOOMS
            for q in ("", FILTERED)
        ]
        for name, paths, count in (
            ("tiles", tile_paths, requests),
            ("bbox", bbox_paths, bbox_requests),
        ):
            repeated = (paths * (count // len(paths) + 1))[:count]
            found = _load(port, paths, repeated, concurrency)
            latencies = found["latencies_ms"]
            result[name] = {
                "latency_ms": summary(latencies),
                "per_s": round(len(latencies) / found["wall_s"], 1),
                "statuses": found["statuses"],
            }
            log(
                f"  gunicorn {workers} workers, {concurrency} in flight, {name}: p50 "
                f"{result[name]['latency_ms']['p50']:.1f} ms, p95 "
                f"{result[name]['latency_ms']['p95']:.1f} ms, {result[name]['per_s']}/s, "
                f"statuses {found['statuses']}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return result


def _load(port: int, warm: list[str], paths: list[str], concurrency: int) -> dict:
    load = [sys.executable, str(ROOT / "bench" / "load.py"), "--port", str(port)]
    files = []
    for chosen in (warm, paths):
        with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as handle:
            handle.write("\n".join(chosen))
            files.append(handle.name)
    try:
        subprocess.run(
            [*load, "--concurrency", str(concurrency), files[0]], check=True, capture_output=True
        )
        output = subprocess.run(
            [*load, "--concurrency", str(concurrency), files[1]],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    finally:
        for name in files:
            os.unlink(name)
    return json.loads(output)


def markdown(runs: list[dict]) -> str:
    lines = [
        "| backend | listings | zoom | tiles/view | tile p50 | tile p95 | tile gz p95 | "
        "tile SQL p95 | bare ST_AsMVT p95 | bbox/view p50 | bbox p95 | bbox gz |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for z, row in run["in_process"].items():
            lines.append(
                f"| {run['backend']} | {run['listings']:,} | {z} | {row['tiles_per_view']} | "
                f"{row['tile_ms']['p50']} ms | {row['tile_ms']['p95']} ms | "
                f"{row['tile_gzip_bytes']['p95'] / 1024:.1f} KiB | {row['tile_sql_ms']['p95']} ms"
                f" | {row['bare_mvt_ms']['p95'] if row['bare_mvt_ms']['n'] else '–'} ms | "
                f"{row['bbox_ms']['p50']} ms | {row['bbox_ms']['p95']} ms | "
                f"{row['bbox_gzip_bytes']['p50'] / 1024:.0f} KiB |"
            )
    lines += [
        "",
        "| backend | listings | tiles/s | tile p50 | tile p95 | bbox/s | bbox p50 | bbox p95 "
        "| load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        g = run.get("gunicorn") or {}
        if not g:
            continue
        t, b = g["tiles"], g["bbox"]
        lines.append(
            f"| {run['backend']} | {run['listings']:,} | {t['per_s']} | {t['latency_ms']['p50']} ms"
            f" | {t['latency_ms']['p95']} ms | {b['per_s']} | {b['latency_ms']['p50']} ms | "
            f"{b['latency_ms']['p95']} ms | {run['load']} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["postgis", "spatialite"], default="postgis")
    parser.add_argument("--database-url")
    parser.add_argument("--scales", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3, help="each view's tiles, per filter")
    parser.add_argument("--load-requests", type=int, default=2_000, help="tiles, gunicorn")
    parser.add_argument("--bbox-requests", type=int, default=120, help="bbox, gunicorn")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-gunicorn", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    url = args.database_url or (
        "postgis://postgres@127.0.0.1:5432/buurtkaart_bench_tiles"
        if args.backend == "postgis"
        else f"spatialite:///{ROOT / 'var' / 'bench' / 'tiles.sqlite3'}"
    )
    ensure_database(url)
    setup_django(url)
    from django.db import connection

    nice_backend()
    backend = "postgis" if connection.vendor == "postgresql" else "spatialite"
    runs = []
    for scale in sorted(args.scales):
        listings = seed(scale)
        load = os.getloadavg()
        log(f"{backend}: {listings:,} public listings; load {load[0]:.1f} (nice {os.nice(0)})")
        run = {
            "backend": backend,
            "listings": listings,
            "scale": scale,
            "date": time.strftime("%Y-%m-%d %H:%M"),
            "load": f"load {load[0]:.1f}, {os.cpu_count()} CPUs, nice {os.nice(0)}",
            "in_process": measure_in_process(args.repeat),
        }
        if not args.no_gunicorn:
            run["gunicorn"] = measure_gunicorn(
                url,
                requests=args.load_requests,
                bbox_requests=args.bbox_requests,
                concurrency=args.concurrency,
                workers=args.workers,
            )
        runs.append(run)
        args.out.mkdir(parents=True, exist_ok=True)
        stem = f"tiles-{backend}-{scale}"
        (args.out / f"{stem}.json").write_text(json.dumps(run, indent=2) + "\n", encoding="utf-8")
        everything = [
            json.loads(path.read_text(encoding="utf-8"))
            for path in sorted(args.out.glob("tiles-*.json"), key=lambda p: len(p.name))
        ]
        (args.out / "tiles.md").write_text(markdown(everything), encoding="utf-8")
        log(f"written: {args.out / stem}.json and {args.out / 'tiles.md'}")
    first, last = runs[0], runs[-1]
    for z in ZOOMS:
        a, b = first["in_process"][z]["tile_ms"]["p95"], last["in_process"][z]["tile_ms"]["p95"]
        log(
            f"  z{z}: p95 {a} ms at {first['listings']:,}, {b} ms at {last['listings']:,}: "
            f"{b / a:.1f}x (target <= {TARGETS['growth']}x, <= {TARGETS['p95_ms']} ms)"
        )
    return runs


if __name__ == "__main__":
    main()
