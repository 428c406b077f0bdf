"""bench/search.py still runs: a tiny seed, a few requests, gunicorn and the page comparison,
on a database of its own next to the test database (so that the benchmark cannot rot)."""

import json

from django.db import connection

from .conftest import run_bench


def test_the_search_benchmark_runs(bench_database, tmp_path):
    out = tmp_path / "results"
    run_bench(
        "search.py",
        "--database-url",
        bench_database,
        "--scale",
        "300",
        "--requests",
        "5",
        "--explain",
        "2",
        "--load-requests",
        "20",
        "--workers",
        "1",
        "--page-listings",
        "100",
        "--out",
        str(out),
    )
    backend = "postgis" if connection.features.supports_geography else "spatialite"
    run = json.loads((out / f"search-{backend}-300.json").read_text())
    assert run["listings"] >= 300
    assert set(run["in_process"]) == {"400", "800", "1200", "2400"}
    assert run["in_process"]["800"]["api_ms"]["n"] == 5
    # gunicorn served the search, the map layer (bbox) and the rare-filter sets, all answered.
    assert run["gunicorn"]["search"]["statuses"] == {"200": 20}
    assert set(run["gunicorn"]) == {"search", "bbox", "rare"}
    assert all(set(row["statuses"]) == {"200"} for row in run["gunicorn"].values())
    # With a few hundred listings everything fits in the page: only that it was measured.
    assert run["page"]["ours_bytes"] > 0
    assert run["page"]["naive_bytes"] > 0
    assert "| " + backend in (out / "search.md").read_text()
