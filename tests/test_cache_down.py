"""The cache that counts rate limits is down: pages work, and limits count per process until
it is back. Against a Redis server of the test's own (tests/celery_broker.py), really stopped
(the shared one on 6379 is left alone), and one that accepts and never answers."""

import shutil
import time

import pytest
import redis
from django.core.cache import cache
from django.urls import reverse

from core.cache import redis_cache
from core.ratelimit import rate_limit_hit
from moderation.models import Report
from tests.factories import (
    PASSWORD,
    ActivityFactory,
    HelpMatchFactory,
    OrganisationFactory,
    UserFactory,
)
from tests.silent_server import SilentServer

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server"),
]

# A refused connection costs nothing; what this bound catches is a request that waits per
# cache operation or hangs. Loose enough for a loaded 2-core machine (a log-in alone has taken
# 1.5 s there): the precise claim for a hung Redis is made by counting connections.
FAST = 3.0


@pytest.fixture
def cache_redis(own_redis, settings):
    """The production cache configuration (core.cache.redis_cache), on the test's own Redis."""
    settings.CACHES = {"default": redis_cache(own_redis.url, socket_timeout=0.25)}
    cache.clear()
    return own_redis


@pytest.fixture
def dead_cache(cache_redis):
    cache_redis.stop()
    return cache_redis


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_log_in_and_sign_up_work_while_the_cache_redis_is_down(
    client, dead_cache, django_capture_on_commit_callbacks
):
    user = UserFactory(email="bewoner@example.org")

    response, seconds = timed(
        lambda: client.post(
            reverse("account_login"), {"login": "bewoner@example.org", "password": PASSWORD}
        )
    )
    assert response.status_code == 302, response.content[:300]
    assert seconds < FAST
    assert int(client.session["_auth_user_id"]) == user.pk

    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {"email": "nieuw@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")


def test_the_api_answers_while_the_cache_redis_is_down(client, dead_cache):
    response, seconds = timed(
        lambda: client.get(reverse("maps-api:search"), {"lat": 51.0543, "lon": 3.7196})
    )
    assert response.status_code == 200
    assert seconds < FAST


def test_registering_reporting_and_messages_work_while_the_cache_redis_is_down(client, dead_cache):
    resident = UserFactory()
    client.force_login(resident)

    occurrence = ActivityFactory(registration_required=True, capacity=5).occurrences.first()
    response = client.post(reverse("activities:register", args=[occurrence.pk]))
    assert response.status_code == 302
    assert occurrence.registrations.filter(user=resident).exists()

    organisation = OrganisationFactory()
    response = client.post(
        reverse("moderation:report", args=["buurt.organisation", organisation.pk]),
        {"reason": "incorrect", "details": "Verhuisd"},
    )
    assert response.status_code == 302
    assert Report.objects.filter(reporter=resident).exists()

    match = HelpMatchFactory()
    client.force_login(match.request.requester)
    response = client.post(
        reverse("neighbourhelp:match-message", args=[match.pk]), {"body": "Dag buur!"}
    )
    assert response.status_code == 302
    assert match.messages.filter(body="Dag buur!").exists()


def test_limits_still_count_in_the_process_while_the_cache_redis_is_down(
    client, dead_cache, settings
):
    assert [rate_limit_hit("contact:ip:192.0.2.7", limit=2, period=60) for _ in range(2)] == [
        None,
        None,
    ]
    assert rate_limit_hit("contact:ip:192.0.2.7", limit=2, period=60).retry_after <= 60

    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute", "user": "2/minute", "tiles": "2/minute"},
    }
    url = reverse("api-schema") + "?format=json"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]


def test_the_shared_counts_are_used_again_once_redis_is_back(dead_cache, settings):
    settings.OUTAGE_BACKOFF = 0.3
    assert rate_limit_hit("contact:ip:192.0.2.8", limit=5, period=60) is None  # in memory

    dead_cache.start()
    assert redis.Redis.from_url(dead_cache.url).dbsize() == 0
    time.sleep(0.4)  # the back-off is over
    assert rate_limit_hit("contact:ip:192.0.2.8", limit=5, period=60) is None

    assert redis.Redis.from_url(dead_cache.url).dbsize() == 1


def test_a_cache_redis_that_never_answers_costs_one_short_timeout(client, settings):
    with SilentServer() as hung:
        settings.CACHES = {
            "default": redis_cache(f"redis://127.0.0.1:{hung.port}/0", socket_timeout=0.25)
        }
        response, seconds = timed(
            lambda: client.get(reverse("maps-api:search"), {"lat": 51.0543, "lon": 3.7196})
        )
        assert response.status_code == 200
        assert hung.connected.is_set()
        # One connection and one timeout (0.25 s), then the cache is left alone: not one
        # wait per cache operation, nor one per request during the back-off.
        assert len(hung.connections) == 1
        assert seconds < FAST
        response = client.get(reverse("api-schema") + "?format=json")
        assert response.status_code == 200
        assert len(hung.connections) == 1


def test_the_api_throttle_counts_in_the_shared_cache(client, cache_redis):
    """Two web processes share one count: it is in Redis, not in a process's memory."""
    assert client.get(reverse("api-schema") + "?format=json").status_code == 200

    keys = redis.Redis.from_url(cache_redis.url).keys("*throttle_anon_*")
    assert len(keys) == 1


def test_a_store_that_raises_lets_the_request_through(client, own_redis, settings):
    """Django's own Redis cache, without the fallback: fail_open() lets every limit through."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.25, "socket_timeout": 0.25},
        }
    }
    own_redis.stop()
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute", "user": "1/minute", "tiles": "1/minute"},
    }

    assert [rate_limit_hit("contact:ip:192.0.2.9", limit=1, period=60) for _ in range(3)] == [
        None
    ] * 3
    url = reverse("api-schema") + "?format=json"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 200]
    # The autouse fixture clears the cache after the test: not this dead one.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
