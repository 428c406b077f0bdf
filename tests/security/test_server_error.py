"""The 500 page (DEBUG off) is the site's own, in the reader's language, and rendering it needs
no database: it is often the database that failed."""

import pytest
from django.db import connections
from django.test import Client

# No django_db mark: pytest-django refuses every connection, so the database is unreachable.
pytestmark = pytest.mark.urls("tests.security.urls_server_error")


@pytest.fixture
def client():
    client = Client()
    client.raise_request_exception = False  # answer as the server would, with the 500 page
    return client


@pytest.fixture
def no_queries():
    """Every query any connection tries, recorded (the blocker refuses it as well)."""
    tried = []

    def record(execute, sql, params, many, context):
        tried.append(sql)
        return execute(sql, params, many, context)

    wrappers = [connection.execute_wrapper(record) for connection in connections.all()]
    for wrapper in wrappers:
        wrapper.__enter__()
    yield tried
    for wrapper in reversed(wrappers):
        wrapper.__exit__(None, None, None)


def test_the_500_page_has_the_sites_layout_and_needs_no_database(client, settings, no_queries):
    assert settings.DEBUG is False
    # A signed-in visitor: the page must not load the session or the user for it either.
    client.cookies["sessionid"] = "a-session-key-the-database-would-be-asked-about"

    response = client.get("/database-down/")

    assert response.status_code == 500
    page = response.content.decode()
    assert 'class="site-header"' in page
    assert 'class="site-footer"' in page
    assert "buurtkaart.css" in page
    assert "<h1>Something went wrong</h1>" in page
    assert 'href="/"' in page  # back to the map
    assert "csrfmiddlewaretoken" not in page  # no form that could not be sent
    assert no_queries == []


def test_the_500_page_speaks_the_readers_language(client):
    response = client.get("/database-down/", headers={"accept-language": "fr"})

    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "<h1>Une erreur s’est produite</h1>" in page
    assert "Retour à la carte" in page
