import os

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection


def pytest_configure(config):
    """A SpatiaLite test database lives in memory, one per process (Django's default for SQLite),
    said explicitly: pytest-django recognises only plain SQLite's engine and would otherwise
    give each pytest-xdist worker the impossible path test_/abs/path.sqlite3_gw0."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        test = database.setdefault("TEST", {})
        if database["ENGINE"].endswith("spatialite") and not test.get("NAME"):
            test["NAME"] = ":memory:"


@pytest.fixture
def postgis_only():
    """Skip on backends without PostGIS features (decided by connection.features)."""
    if not connection.features.supports_geography:
        pytest.skip("needs PostGIS")


@pytest.fixture(autouse=True)
def english_interface(settings):
    """Tests assert behaviour in English msgids; tests/i18n checks the Dutch and French."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _reads_on_the_primary(settings):
    """With DATABASE_REPLICA_URLS (the PostGIS run of `make test`), tests read the primary: a
    test's transaction, never committed, is invisible to a streaming replica. The replica
    aliases stay configured (as test mirrors, core/replicas.py); tests/test_replicas.py reads
    through them with committed data."""
    if settings.DATABASE_REPLICAS:
        settings.DATABASE_REPLICAS = []


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits (log-in, sign-up, posting) count in the cache: every test starts at zero."""
    cache.clear()
    # A transactional test flushes the tables and content types come back with other ids:
    # a content type cached by an earlier test would then point at the wrong row.
    ContentType.objects.clear_cache()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A Redis for tests that talk to one: TEST_REDIS_URL, or under pytest-xdist a redis-server
    of the worker's own. Workers must not share a database: cache.clear() on a Redis cache
    empties all of it (FLUSHDB), which drops another worker's Celery queue and keys."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        yield os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
        return
    from .celery_broker import RedisServer

    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def own_redis(tmp_path):
    """A Redis server of the test's own (tests/celery_broker.py), to stop and start again."""
    from .celery_broker import RedisServer

    server = RedisServer(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
