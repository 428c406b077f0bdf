"""/healthz over real connections: the test database, the local Redis, and unreachable ones."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def test_healthz_reports_database_ok_and_eager_tasks(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


def test_healthz_reports_a_reachable_broker(client, settings, redis_url):
    settings.CELERY_BROKER_URL = redis_url
    assert client.get("/healthz").json()["broker"] == "ok"


def test_healthz_stays_up_when_the_broker_is_down(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "unreachable"


def test_healthz_refuses_state_changes(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize(
    "database_url",
    [
        "postgis://postgres@127.0.0.1:1/buurtkaart",  # no server on port 1
        "spatialite:////nonexistent/directory/buurtkaart.sqlite3",  # cannot be opened
    ],
)
def test_healthz_is_503_when_the_database_is_unreachable(database_url, tmp_path):
    # A separate process with its own settings: the test database itself stays untouched.
    script = (
        "import django, json; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(json.dumps({'status_code': r.status_code, **r.json()}))"
    )
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": database_url, "CELERY_BROKER_URL": ""}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout.strip().splitlines()[-1])
    assert body == {
        "status_code": 503,
        "status": "error",
        "database": "unreachable",
        "broker": "eager",
    }
