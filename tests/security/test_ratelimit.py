"""Rate limits: the reusable limiter and view decorator, DRF's throttling, allauth's log-in."""

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from rest_framework import throttling

from core.ratelimit import RateLimited, client_ip, rate_limit, rate_limit_hit
from core.throttling import AnonRateThrottle, UserRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_limiter_allows_up_to_the_limit_then_says_how_long_to_wait():
    results = [rate_limit_hit("contact:user:7", limit=3, period=60) for _ in range(4)]

    assert results[:3] == [None, None, None]
    assert isinstance(results[3], RateLimited)
    assert 1 <= results[3].retry_after <= 60


def test_keys_are_counted_apart():
    for _ in range(3):
        rate_limit_hit("contact:user:7", limit=3, period=60)

    assert rate_limit_hit("contact:user:7", limit=3, period=60)
    assert rate_limit_hit("contact:user:8", limit=3, period=60) is None
    assert rate_limit_hit("post:user:7", limit=3, period=60) is None


def test_keys_are_not_stored_in_clear_text():
    rate_limit_hit("contact:ip:203.0.113.9", limit=3, period=60)

    keys = list(cache._cache)  # locmem: the stored keys
    assert keys
    assert not any("203.0.113.9" in key for key in keys)


def test_the_message_names_the_wait_in_words():
    assert "30 seconds" in RateLimited(retry_after=30).message
    assert "1 minute" in RateLimited(retry_after=60).message
    assert "2 minutes" in RateLimited(retry_after=61).message


@pytest.fixture
def redis_cache(settings, redis_url):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": "buurtkaart-test",
        }
    }
    cache.clear()
    yield cache
    cache.clear()


def test_the_limiter_works_on_the_production_cache_backend_redis(redis_cache):
    assert redis_cache._cache.__class__.__name__ == "RedisCacheClient"

    results = [rate_limit_hit("signup:ip:198.51.100.4", limit=2, period=60) for _ in range(3)]

    assert results[:2] == [None, None]
    assert results[2].retry_after <= 60
    assert rate_limit_hit("signup:ip:198.51.100.5", limit=2, period=60) is None


# --- the view decorator -----------------------------------------------------------------------


@rate_limit("contact", limit=2, period=60)
def contact_view(request):
    return HttpResponse("sent")


def request_from(ip: str, method="post", **headers):
    request = getattr(RequestFactory(), method)("/contact/", REMOTE_ADDR=ip, headers=headers)
    request.user = AnonymousUser()
    return request


def test_the_decorator_answers_429_with_retry_after_and_a_page():
    responses = [contact_view(request_from("192.0.2.1")) for _ in range(3)]

    assert [r.status_code for r in responses] == [200, 200, 429]
    refused = responses[2]
    assert 1 <= int(refused["Retry-After"]) <= 60
    html = refused.content.decode()
    assert "You have tried this too often in a short time." in html
    assert "<h1>Too many attempts</h1>" in html
    # Another address is not affected.
    assert contact_view(request_from("192.0.2.2")).status_code == 200


def test_showing_the_form_is_not_counted():
    for _ in range(5):
        assert contact_view(request_from("192.0.2.1", method="get")).status_code == 200

    assert contact_view(request_from("192.0.2.1")).status_code == 200


def test_the_429_page_speaks_the_readers_language():
    for _ in range(2):
        contact_view(request_from("192.0.2.1"))

    with translation.override("fr"):
        html = contact_view(request_from("192.0.2.1")).content.decode()

    assert 'lang="fr"' in html
    assert "Too many attempts" not in html


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(settings):
    spoofed = request_from("10.0.0.2", **{"X-Forwarded-For": "203.0.113.50, 198.51.100.7"})

    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(spoofed) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(spoofed) == "198.51.100.7"  # what our proxy saw, not what the client wrote


# --- the API: DRF throttling --------------------------------------------------------------------


@pytest.fixture
def three_api_requests_per_minute(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute", "user": "3/minute", "tiles": "3/minute"},
    }


@pytest.mark.usefixtures("three_api_requests_per_minute")
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "You have tried this too often"),
        ("nl", "Je hebt dit te vaak geprobeerd"),
        ("fr", "Vous avez essayé trop souvent"),
    ],
)
def test_the_api_answers_429_with_retry_after_and_a_translated_detail(client, language, expected):
    url = reverse("api-schema") + "?format=json"
    for _ in range(3):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE=language).status_code == 200

    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    # An OpenAPI media type, which the test client's .json() does not take for JSON.
    assert json.loads(response.content)["detail"].startswith(expected)


def test_the_api_throttles_every_endpoint_by_default(settings):
    rest = settings.REST_FRAMEWORK

    assert rest["DEFAULT_THROTTLE_CLASSES"] == [
        "core.throttling.AnonRateThrottle",
        "core.throttling.UserRateThrottle",
    ]
    assert issubclass(AnonRateThrottle, throttling.AnonRateThrottle)
    assert issubclass(UserRateThrottle, throttling.UserRateThrottle)
    assert rest["NUM_PROXIES"] == settings.TRUSTED_PROXY_COUNT  # never the client's own header


def test_the_api_rates_are_settings_from_the_environment():
    """Read in a fresh process: settings are read once per process."""
    code = (
        "from django.conf import settings; print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES'])"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "API_THROTTLE_ANON": "7/minute",
        "API_THROTTLE_USER": "70/hour",
        "API_THROTTLE_TILES": "700/minute",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert result.stdout.strip() == "{'anon': '7/minute', 'user': '70/hour', 'tiles': '700/minute'}"


def test_the_schema_documents_429_with_retry_after(client):
    schema = json.loads(client.get(reverse("api-schema") + "?format=json").content)

    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert operations
    for operation in operations:
        too_many = operation["responses"]["429"]
        assert too_many["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 1}
        assert too_many["headers"]["Retry-After"]["required"] is True
        for content in too_many["content"].values():
            assert content["schema"]["properties"] == {"detail": {"type": "string"}}


# --- django-allauth's limits answer with the same page ------------------------------------------


def test_allauths_limits_answer_with_our_429_page(client):
    url = reverse("account_signup")
    for _ in range(10):  # ACCOUNT_RATE_LIMITS["signup"]: 10 per minute per address
        assert client.post(url, {"email": "not an address"}).status_code == 200

    response = client.post(url, {"email": "not an address"})

    assert response.status_code == 429
    assert "<h1>Too many attempts</h1>" in response.content.decode()
