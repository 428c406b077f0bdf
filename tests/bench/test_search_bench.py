"""bench/search.py still runs: a tiny seed, a few requests, gunicorn and the page comparison,
on a database of its own next to the test database (so that the benchmark cannot rot)."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def bench_database(tmp_path):
    """A throw-away database URL on the backend under test; dropped afterwards."""
    if not connection.features.supports_geography:
        yield f"spatialite:///{tmp_path / 'bench.sqlite3'}"
        return
    settings = connection.settings_dict
    name = f"buurtkaart_benchsmoke_{uuid.uuid4().hex[:8]}"
    user = settings["USER"] or "postgres"
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    yield f"postgis://{user}@{host}:{port}/{name}"
    import psycopg

    with psycopg.connect(
        host=host, port=port, user=user, dbname="postgres", autocommit=True
    ) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_search_benchmark_runs(bench_database, tmp_path):
    out = tmp_path / "results"
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "search.py"),
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
        ],
        env={**os.environ, "DEBUG": "1"},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    backend = "postgis" if connection.features.supports_geography else "spatialite"
    run = json.loads((out / f"search-{backend}-300.json").read_text())
    assert run["listings"] >= 300
    assert set(run["in_process"]) == {"400", "800", "1200", "2400"}
    assert run["in_process"]["800"]["api_ms"]["n"] == 5
    assert run["gunicorn"]["statuses"] == {"200": 20}
    # With a few hundred listings everything fits in the page: only that it was measured.
    assert run["page"]["ours_bytes"] > 0
    assert run["page"]["naive_bytes"] > 0
    assert "| " + backend in (out / "search.md").read_text()
