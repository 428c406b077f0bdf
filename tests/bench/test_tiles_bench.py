"""bench/tiles.py still runs: a tiny seed, a few tiles in process and through gunicorn beside
the bounding-box API, on a database of its own (so that the benchmark cannot rot)."""

import json

from django.db import connection

from .conftest import run_bench


def test_the_tiles_benchmark_runs(bench_database, tmp_path):
    out = tmp_path / "results"
    backend = "postgis" if connection.features.supports_geography else "spatialite"
    run_bench(
        "tiles.py",
        "--backend",
        backend,
        "--database-url",
        bench_database,
        "--scales",
        "300",
        "--repeat",
        "1",
        "--load-requests",
        "20",
        "--bbox-requests",
        "4",
        "--workers",
        "1",
        "--out",
        str(out),
    )
    run = json.loads((out / f"tiles-{backend}-300.json").read_text())
    assert run["listings"] >= 300
    assert run["in_process"]
    assert set(run["gunicorn"]) == {"tiles", "bbox"}
    assert set(run["gunicorn"]["bbox"]["statuses"]) == {"200"}
    assert set(run["gunicorn"]["tiles"]["statuses"]) <= {"200", "204"}
    assert f"| {backend} |" in (out / "tiles.md").read_text()
