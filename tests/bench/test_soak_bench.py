"""bench/soak.py still runs: a tiny seed and a few hundred mixed requests on gunicorn, with the
memory probe, on a database of its own (so that the benchmark cannot rot)."""

import json

from django.db import connection

from .conftest import run_bench


def test_the_soak_benchmark_runs(bench_database, tmp_path):
    out = tmp_path / "results"
    run_bench(
        "soak.py",
        "--database-url",
        bench_database,
        "--scale",
        "300",
        "--requests",
        "300",
        "--warmup",
        "20",
        "--window",
        "60",
        "--duration",
        "300",
        "--out",
        str(out),
        BENCH_MEMORY_PROBE="1",
    )
    backend = "postgis" if connection.features.supports_geography else "spatialite"
    run = json.loads((out / f"soak-{backend}-300.json").read_text())
    assert run["sent"] == 300
    assert set(run["statuses"]) <= {"200", "204"}  # 204: an empty map tile
    assert sum(run["statuses"].values()) == 300
    assert len(run["rss_start_kib"]) == 2  # both workers measured at the start and the end
    assert set(run["rss_end_kib"]) == set(run["rss_start_kib"])
    assert {"search", "empty", "healthz", "all"} <= set(run["end"]["latency"])
    assert len(run["probes"]) == 2
    assert "rss_after_trim_kib" in run["probes"][0]
    assert "| RSS worker" in (out / f"soak-{backend}-300.md").read_text()
