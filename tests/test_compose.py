"""docker-compose.yml and .env.example: valid for docker-compose v1, the production shape we
expect, and every environment variable the settings read documented.

docker-compose runs on copies in tmp_path (it needs a .env next to the compose file), so nothing
is left in the repository; `config` only reads files, no Docker daemon is needed.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

REQUIRED_VALUES = {
    "SECRET_KEY": "compose-test-secret-key-compose-test-secret-key-0123",
    "ALLOWED_HOSTS": "buurtkaart.example.org",
    "POSTGRES_PASSWORD": "compose-test-password",
}
APP_SERVICES = ("migrate", "web", "worker", "beat")


@pytest.fixture
def compose(tmp_path):
    """Run docker-compose on a copy of docker-compose.yml with .env.example as its .env.

    Only PATH is inherited, so no variable of the calling shell changes the outcome."""
    if shutil.which("docker-compose") is None:
        pytest.fail("docker-compose is not installed: `make services` installs it")
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    shutil.copy(ROOT / ".env.example", tmp_path / ".env")

    def run(*args, values=REQUIRED_VALUES):
        return subprocess.run(
            ["docker-compose", "-f", "docker-compose.yml", *args],
            cwd=tmp_path,
            env={"PATH": os.environ["PATH"], **values},
            capture_output=True,
            text=True,
            timeout=60,
        )

    return run


@pytest.fixture
def services(compose):
    result = compose("config")
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)["services"]


def test_compose_file_is_valid_without_warnings(compose):
    result = compose("config", "-q")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_compose_refuses_to_run_with_the_unedited_example(compose):
    result = compose("config", "-q", values={})

    assert result.returncode != 0
    assert "Missing mandatory value" in result.stderr
    assert "in .env" in result.stderr


def test_all_services_are_defined(services):
    assert set(services) == {"db", "replica", "redis", "migrate", "web", "worker", "beat"}


def test_db_is_postgis_with_healthcheck_and_named_volume(services):
    db = services["db"]

    assert db["image"].startswith("postgis/postgis:")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(
        volume.startswith("postgres-data:/var/lib/postgresql/data") for volume in db["volumes"]
    )


def test_db_accepts_streaming_replication_with_a_password(services):
    script = services["db"]["entrypoint"][-1]

    assert "'host replication all all scram-sha-256'" in script
    assert "exec docker-entrypoint.sh postgres -c hba_file=" in script


def test_replica_is_a_streaming_copy_of_db_in_a_volume_of_its_own(services):
    replica = services["replica"]
    # `config` prints "$$" as written (compose's escape); the container gets "$".
    script = replica["entrypoint"][-1].replace("$$", "$")

    assert replica["image"] == services["db"]["image"]  # a standby runs the primary's version
    assert replica["user"] == "postgres"
    # Copied once, when its volume is empty; then it streams (-R writes standby.signal).
    assert 'if [ ! -s "$PGDATA/PG_VERSION" ]' in script
    assert "pg_basebackup -h db -U buurtkaart" in script
    assert " -R " in script
    assert "exec postgres -c hot_standby=on" in script
    assert replica["environment"]["PGPASSWORD"] == REQUIRED_VALUES["POSTGRES_PASSWORD"]
    assert replica["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert "pg_isready" in " ".join(replica["healthcheck"]["test"])
    mounts = {volume.split(":")[0]: volume.split(":")[1] for volume in replica["volumes"]}
    assert mounts == {"replica-data": "/var/lib/postgresql/data"}
    assert "ports" not in replica


def test_only_web_reads_from_the_replica(services):
    password = REQUIRED_VALUES["POSTGRES_PASSWORD"]
    assert services["web"]["environment"]["DATABASE_REPLICA_URLS"] == (
        f"postgis://buurtkaart:{password}@replica:5432/buurtkaart"
    )
    # Tasks and migrations read what they write: the primary (core/replicas.py).
    for name in ("migrate", "worker", "beat"):
        assert "DATABASE_REPLICA_URLS" not in services[name]["environment"], name


def test_redis_has_a_healthcheck(services):
    assert services["redis"]["image"].startswith("redis:7")
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]


def test_app_services_use_postgis_and_redis_in_production_mode(services):
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert environment["DEBUG"] == "0", name
        assert environment["DATABASE_URL"].startswith("postgis://"), name
        assert environment["DATABASE_URL"].endswith("@db:5432/buurtkaart"), name
        assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0", name
        assert environment["SECRET_KEY"] == REQUIRED_VALUES["SECRET_KEY"], name


def test_migrate_runs_once_after_the_database_is_healthy(services):
    migrate = services["migrate"]

    assert migrate["command"] == ["python", "manage.py", "migrate", "--no-input"]
    assert migrate["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert migrate.get("restart", "no") == "no"


def test_web_runs_gunicorn_after_migrate_and_checks_healthz(services):
    web = services["web"]

    assert web["command"][:2] == ["gunicorn", "config.wsgi"]
    assert "0.0.0.0:8000" in web["command"]
    assert web["depends_on"] == {
        "db": {"condition": "service_healthy"},
        "replica": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert web["ports"] == ["127.0.0.1:8000:8000/tcp"]
    # The health check is a script in the image: it must exist and ask /healthz.
    check = web["healthcheck"]["test"]
    assert check[:2] == ["CMD", "python"]
    script = ROOT / Path(check[2]).relative_to("/app")
    assert "/healthz" in script.read_text()


def test_worker_and_beat_run_celery(services):
    assert services["worker"]["command"] == ["celery", "-A", "config", "worker", "-l", "info"]
    assert services["beat"]["command"][:6] == ["celery", "-A", "config", "beat", "-l", "info"]
    for name in ("worker", "beat"):
        assert services[name]["depends_on"]["redis"] == {"condition": "service_healthy"}


def test_beat_keeps_its_schedule_in_a_volume(services):
    beat = services["beat"]
    schedule = beat["command"][beat["command"].index("--schedule") + 1]

    mounts = [volume.split(":")[1] for volume in beat["volumes"]]
    assert str(Path(schedule).parent) in mounts


def test_only_web_is_published_and_only_long_running_app_services_are_probed(services):
    assert [name for name, service in services.items() if "ports" in service] == ["web"]
    # The image's HEALTHCHECK probes gunicorn; without this, migrate and beat (no HTTP server)
    # would be reported unhealthy.
    for name in ("migrate", "beat"):
        assert services[name]["healthcheck"]["test"] == ["NONE"], name
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])


def test_app_services_share_a_redis_cache_for_the_rate_limits(services):
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        # Database 1: Celery's broker has database 0.
        assert environment["CACHE_URL"] == "redis://redis:6379/1", name
        assert environment["TRUSTED_PROXY_COUNT"] == "1", name  # the reverse proxy in front


def test_web_and_worker_keep_uploads_in_one_media_volume(services):
    for name in ("web", "worker"):
        assert "media:/app/var/media" in [
            f"{volume['source']}:{volume['target']}"
            if isinstance(volume, dict)
            else volume.rsplit(":", 1)[0]
            for volume in services[name]["volumes"]
        ], name


# --- .env.example cannot drift from what the settings and the compose file read ----------------

ENV_READ = re.compile(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""")
COMPOSE_VARIABLE = re.compile(r"\$\{([A-Z][A-Z0-9_]*)")
DOCUMENTED = re.compile(r"^#?\s*([A-Z][A-Z0-9_]*)=", re.MULTILINE)


def documented_variables() -> set[str]:
    return set(DOCUMENTED.findall((ROOT / ".env.example").read_text()))


def test_every_variable_the_settings_read_is_documented():
    read = set(ENV_READ.findall((ROOT / "config" / "settings.py").read_text()))
    # The pattern must see the multi-line and typed calls too (env.db_url, env.str(\n "...")).
    assert {"SECRET_KEY", "DATABASE_URL", "MAP_TILE_ATTRIBUTION", "LOG_LEVEL"} <= read

    assert read - documented_variables() == set()


def test_every_variable_the_compose_file_reads_is_documented():
    read = set(COMPOSE_VARIABLE.findall((ROOT / "docker-compose.yml").read_text()))
    assert {"SECRET_KEY", "POSTGRES_PASSWORD"} <= read

    assert read - documented_variables() == set()
