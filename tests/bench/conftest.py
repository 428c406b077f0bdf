"""The benchmarks' smoke tests run each script on a database of its own."""

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


def _without_replicas(environ) -> dict[str, str]:
    # A bench has a database of its own (--database-url); the suite's replica serves the test
    # database, not that one.
    return {k: v for k, v in environ.items() if k != "DATABASE_REPLICA_URLS"}


def run_bench(script: str, *arguments: str, **env: str) -> None:
    """Runs bench/<script> with `arguments` in a process of its own; fails with its stderr."""
    completed = subprocess.run(
        [sys.executable, str(ROOT / "bench" / script), *arguments],
        env={**_without_replicas(os.environ), "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
