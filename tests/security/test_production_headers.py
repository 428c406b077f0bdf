"""What the production settings (DEBUG off) send: HSTS, nosniff, referrer policy, frame denial,
the CSP, and secure, HttpOnly cookies. `check --deploy` is tests/test_deploy_check.py.

Settings are read once per process and the suite runs with DEBUG on, so each case runs in a
subprocess with only PATH inherited.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
HOST = "buurtkaart.example.org"

# Logs in through the admin (a redirect: no template, so no collected static files needed).
# Logging in sets the session cookie and rotates the CSRF cookie: both come back in one response.
REQUESTS = """
import json
import os

import django

django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
from django.test import Client

call_command("migrate", verbosity=0)
get_user_model().objects.create_superuser(email="beheer@example.org", password="Lang-en-geheim-42")
client = Client(HTTP_HOST=os.environ["ALLOWED_HOSTS"])
login = client.post(
    "/admin/login/",
    {"username": "beheer@example.org", "password": "Lang-en-geheim-42", "next": "/admin/"},
    secure=True,
)
plain = client.get("/healthz", secure=False)
http = client.get("/admin/", secure=False)


def flags(morsel):
    return {"secure": bool(morsel["secure"]), "httponly": bool(morsel["httponly"]),
            "samesite": morsel["samesite"]}


print(json.dumps({
    "status": login.status_code,
    "headers": dict(login.headers),
    "cookies": {name: flags(morsel) for name, morsel in login.cookies.items()},
    "healthz_over_http": plain.status_code,
    "http_redirect": [http.status_code, http.get("Location")],
}))
"""

SETTINGS = """
import json
from django.conf import settings

print(json.dumps({
    "include_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "preload": settings.SECURE_HSTS_PRELOAD,
    "seconds": settings.SECURE_HSTS_SECONDS,
}))
"""


def production_environment(database: Path) -> dict:
    return {
        "PATH": os.environ["PATH"],
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),  # no "$": see tests/test_deploy_check.py
        "ALLOWED_HOSTS": HOST,
        "DATABASE_URL": f"spatialite:///{database}",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }


@pytest.fixture
def production_env(tmp_path):
    return production_environment(tmp_path / "production.sqlite3")


def run(script: str, env: dict) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """One log-in against the production settings, shared by the tests below (it migrates)."""
    return run(REQUESTS, production_environment(tmp_path_factory.mktemp("prod") / "db.sqlite3"))


def test_the_log_in_worked(production):
    assert production["status"] == 302


def test_https_is_enforced_with_hsts_including_subdomains_and_preload(production):
    assert production["headers"]["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert production["http_redirect"] == [301, f"https://{HOST}/admin/"]
    # The container health check probes over plain HTTP inside the compose network.
    assert production["healthz_over_http"] == 200


def test_browsers_are_told_not_to_sniff_frame_or_leak_the_referrer(production):
    headers = production["headers"]

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]


def test_the_session_cookie_is_secure_and_http_only(production):
    assert production["cookies"]["sessionid"] == {
        "secure": True,
        "httponly": True,
        "samesite": "Lax",
    }


def test_the_csrf_cookie_is_secure(production):
    cookie = production["cookies"]["csrftoken"]

    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"


def test_hsts_subdomains_and_preload_can_be_turned_off(production_env):
    production_env.update(SECURE_HSTS_INCLUDE_SUBDOMAINS="0", SECURE_HSTS_PRELOAD="0")

    settings = run(SETTINGS, production_env)

    assert settings == {"include_subdomains": False, "preload": False, "seconds": 31536000}


def test_hsts_subdomains_and_preload_are_on_by_default_in_production(production_env):
    assert run(SETTINGS, production_env) == {
        "include_subdomains": True,
        "preload": True,
        "seconds": 31536000,
    }
