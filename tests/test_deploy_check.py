"""Production settings (DEBUG off) pass Django's deployment checklist, and gunicorn serving
config.wsgi answers the container health check.

Both run in a subprocess: settings are read once per process, and these tests need DEBUG off
while the suite runs with DEBUG on. Only PATH is inherited from the calling environment.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
ALLOWED_HOST = "buurtkaart.example.org"


@pytest.fixture
def production_env(tmp_path):
    return {
        "PATH": os.environ["PATH"],
        "DEBUG": "0",
        # 67 characters, as check --deploy demands; no leading "$", which django-environ
        # would read as a reference to another variable.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": ALLOWED_HOST,
        "DATABASE_URL": f"spatialite:///{tmp_path / 'deploy.sqlite3'}",
    }


def test_production_settings_pass_the_deploy_check(production_env):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthcheck(url: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "healthcheck"), url],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_gunicorn_answers_the_container_healthcheck(production_env):
    port = free_port()
    url = f"http://127.0.0.1:{port}/healthz"
    server = subprocess.Popen(
        [VENV_BIN / "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=production_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        result = healthcheck(url, production_env)
        while result.returncode != 0 and time.monotonic() < deadline:
            assert server.poll() is None, server.communicate()[1]
            time.sleep(0.5)
            result = healthcheck(url, production_env)
        assert result.returncode == 0, result.stderr

        # Django answers 400 to a host it does not serve: the check names an allowed host, and
        # fails when that host is wrong.
        wrong_host = healthcheck(url, {**production_env, "ALLOWED_HOSTS": "other.example.org"})
        assert wrong_host.returncode == 1
        assert "400" in wrong_host.stderr
    finally:
        server.terminate()
        server.communicate(timeout=30)
