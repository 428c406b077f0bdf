"""The city map in a real browser: markers, clusters and areas draw, from local files only."""

import pytest
from django.contrib.gis.geos import Point

from buurt.models import Organisation
from tests.factories import NeighbourhoodFactory, OrganisationFactory, box

# Transactional, so that the live server sees the rows; serialized_rollback restores the
# lookup rows of the data migrations for the tests that run after.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

XSS = "<script>alert(1)</script>"

# Real places in Gent, far enough apart (more than 1 km) not to cluster at the fitted zoom,
# except the two within 100 m of the Korenmarkt, which must form a cluster of 2.
KORENMARKT = Point(3.7196, 51.0543, srid=4326)
KORENMARKT_NEIGHBOUR = Point(3.7204, 51.0548, srid=4326)
STATION_DAMPOORT = Point(3.7404, 51.0563, srid=4326)
STATION_SINT_PIETERS = Point(3.7106, 51.0357, srid=4326)


@pytest.fixture
def city():
    NeighbourhoodFactory(name="Binnenstad", boundary=box(3.70, 51.03, 3.735, 51.065))
    NeighbourhoodFactory(
        name="Dampoort", boundary=box(3.735, 51.045, 3.76, 51.065), is_approximate=True
    )
    OrganisationFactory(name="Toneelgroep", point=KORENMARKT)
    OrganisationFactory(name="Buurthuis", point=KORENMARKT_NEIGHBOUR)
    OrganisationFactory(name=XSS, kind=Organisation.Kind.SPORTS, point=STATION_DAMPOORT)
    OrganisationFactory(
        name="Taalcafé", kind=Organisation.Kind.LANGUAGE_CAFE, point=STATION_SINT_PIETERS
    )
    return Organisation.objects.count()


def test_city_map_draws_markers_clusters_and_areas(
    page, live_server, local_tiles, city, requested_urls, page_errors
):
    page.goto(live_server.url + "/")
    page.wait_for_selector(".org-marker")
    page.wait_for_selector(".cluster-marker")
    page.wait_for_selector(".leaflet-tile-loaded")

    markers = page.locator(".leaflet-marker-pane .org-marker")
    clusters = page.locator(".leaflet-marker-pane .cluster-marker")
    clustered = sum(int(text) for text in clusters.all_inner_texts())
    assert markers.count() > 0
    assert clusters.count() > 0
    assert markers.count() + clustered == city

    areas = page.locator(".leaflet-overlay-pane path")
    assert areas.count() == 2
    dash_arrays = [areas.nth(i).get_attribute("stroke-dasharray") for i in range(2)]
    assert sorted(dash_arrays, key=str) == ["6 6", None]  # only the approximate one is dashed

    # The name shows as text in the popup; it never runs.
    page.get_by_title(XSS).click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert XSS in popup.inner_text()
    assert popup.locator("script").count() == 0
    assert popup.locator("a").get_attribute("href").startswith("/organisaties/")

    assert page_errors == []
    assert requested_urls
    assert all(url.startswith(live_server.url) for url in requested_urls), requested_urls
