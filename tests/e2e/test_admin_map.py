"""The admin's map widget in a real browser: our OpenLayers copy draws and edits geometries."""

import json

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import NeighbourhoodFactory, box

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def admin_page(page, live_server):
    user = get_user_model().objects.create_superuser(email="beheer@example.org", password="x")
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
    )
    return page


def test_admin_map_shows_a_boundary_and_draws_a_point(
    admin_page, live_server, local_tiles, requested_urls, page_errors
):
    neighbourhood = NeighbourhoodFactory(boundary=box(3.70, 51.045, 3.74, 51.065))
    url = reverse("admin:buurt_neighbourhood_change", args=[neighbourhood.pk])
    admin_page.goto(live_server.url + url)
    admin_page.wait_for_selector("#id_boundary_map .ol-viewport")
    features = admin_page.evaluate(
        "geodjango_boundary.featureOverlay.getSource().getFeatures()"
        ".map(f => f.getGeometry().getType())"
    )
    assert features == ["MultiPolygon"]

    admin_page.goto(live_server.url + reverse("admin:buurt_organisation_add"))
    admin_page.locator("#id_point_map canvas").first.click()
    drawn = json.loads(admin_page.locator("#id_point").input_value())
    assert drawn["type"] == "Point"

    assert page_errors == []
    assert any(url.endswith("/static/maps/blank-tile.png") for url in requested_urls)
    assert all(url.startswith(live_server.url) for url in requested_urls), requested_urls
