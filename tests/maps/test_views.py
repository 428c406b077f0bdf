"""The HTML pages that carry a map: the city map, an organisation and a neighbourhood."""

import pytest
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.urls import reverse

from buurt.models import Organisation
from buurt.selectors import NEIGHBOURHOOD_COUNTS_KEY
from spatial import assets
from tests.factories import NeighbourhoodFactory, OrganisationFactory, box

pytestmark = pytest.mark.django_db

XSS = "<script>alert(1)</script>"


@pytest.fixture
def city():
    """Three neighbourhoods side by side, each with two published organisations and a draft."""
    neighbourhoods = []
    for i in range(3):
        west = 3.70 + i * 0.02
        neighbourhood = NeighbourhoodFactory(
            name=f"Wijk {i}", boundary=box(west, 51.045, west + 0.02, 51.065)
        )
        for j in range(2):
            OrganisationFactory(
                point=Point(west + 0.005 + j * 0.01, 51.055, srid=4326),
                neighbourhood=neighbourhood,
            )
        OrganisationFactory(neighbourhood=neighbourhood, status=Organisation.Status.DRAFT)
        neighbourhoods.append(neighbourhood)
    return neighbourhoods


def test_city_map_lists_neighbourhoods_with_counts(client, city, django_assert_max_num_queries):
    # One query for the neighbourhoods, one for their counts (then cached), one for the
    # week's activities (tests/maps/test_home.py), whatever the number of rows: the markers
    # come from tiles.
    with django_assert_max_num_queries(3):
        response = client.get(reverse("maps:city"), headers={"accept-language": "en"})
    assert response.status_code == 200
    content = response.content.decode()
    for neighbourhood in city:
        assert f'<a href="{neighbourhood.get_absolute_url()}">{neighbourhood.name}</a>' in content
    assert content.count("2 organisations") >= len(city)  # the drafts are not counted
    assert assets.LEAFLET_JS in content
    assert assets.TILE_LAYER_JS in content
    assert 'class="notice"' not in content


def test_city_map_counts_are_cached_a_while(client, city, django_assert_max_num_queries):
    client.get(reverse("maps:city"))
    OrganisationFactory(neighbourhood=city[0])
    with django_assert_max_num_queries(2):  # the neighbourhoods and the week, no count
        content = client.get(reverse("maps:city"), headers={"accept-language": "en"})
    assert content.content.decode().count("2 organisations") >= len(city)
    cache.delete(NEIGHBOURHOOD_COUNTS_KEY)  # NEIGHBOURHOOD_COUNTS_SECONDS later
    content = client.get(reverse("maps:city"), headers={"accept-language": "en"})
    assert "3 organisations" in content.content.decode()


def test_city_map_notes_approximate_boundaries(client):
    NeighbourhoodFactory(is_approximate=True)
    response = client.get(reverse("maps:city"))
    assert 'class="notice"' in response.content.decode()


def test_city_map_without_data(client):
    response = client.get(reverse("maps:city"))
    assert response.status_code == 200
    assert response.context["neighbourhoods"] == []


def test_city_map_escapes_names(client):
    NeighbourhoodFactory(name=XSS)
    OrganisationFactory(name=XSS)
    content = client.get(reverse("maps:city")).content.decode()
    assert XSS not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content  # the neighbourhood list


def test_neighbourhood_list_counts_without_n_plus_one(client, city, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        response = client.get(reverse("buurt:neighbourhood-list"))
    assert response.status_code == 200
    assert "Wijk 2" in response.content.decode()


def test_organisation_page_shows_its_map(client, django_assert_max_num_queries):
    organisation = OrganisationFactory(name="Toneelgroep Ons Huis")
    # The organisation, then its languages and network models (prefetched), and its coming
    # activities (activities/_organisation_upcoming.html).
    with django_assert_max_num_queries(4):
        response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    assert "Toneelgroep Ons Huis" in content
    assert 'role="region"' in content
    assert assets.LEAFLET_JS in content


def test_organisation_page_escapes_the_name(client):
    organisation = OrganisationFactory(name=XSS)
    content = client.get(organisation.get_absolute_url()).content.decode()
    assert XSS not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_organisation_without_location_has_no_map(client):
    organisation = OrganisationFactory(point=None)
    content = client.get(organisation.get_absolute_url()).content.decode()
    assert "leaflet" not in content.lower()


@pytest.mark.parametrize(
    "status", [Organisation.Status.DRAFT, Organisation.Status.ARCHIVED], ids=str
)
def test_unpublished_organisation_is_not_found(client, status):
    organisation = OrganisationFactory(status=status)
    assert client.get(organisation.get_absolute_url()).status_code == 404


def test_unknown_organisation_is_not_found(client):
    url = reverse("buurt:organisation-detail", args=["bestaat-niet"])
    assert client.get(url).status_code == 404


def test_neighbourhood_page_lists_its_organisations(client, city, django_assert_max_num_queries):
    neighbourhood = city[1]
    # The neighbourhood, the count of its organisations for the pager, a page of them.
    with django_assert_max_num_queries(3):
        response = client.get(neighbourhood.get_absolute_url())
    assert response.status_code == 200
    content = response.content.decode()
    for organisation in neighbourhood.organisations.public():
        assert f'<a href="{organisation.get_absolute_url()}">' in content
    for draft in neighbourhood.organisations.filter(status=Organisation.Status.DRAFT):
        assert draft.get_absolute_url() not in content
    assert "Wijk 1" in content


def test_unknown_neighbourhood_is_not_found(client):
    url = reverse("buurt:neighbourhood-detail", args=["00000X000"])
    assert client.get(url).status_code == 404


# Pages that do not carry their data (issue 18): the home and neighbourhood pages stay this
# small whatever the number of listings. Measured with the 300 below: about 14 KB and 11 KB
# uncompressed; before, every listing was written into the page.
PAGE_BYTES_LIMIT = 40_000
MANY = 300


@pytest.fixture
def many_listings():
    """MANY published listings in one neighbourhood, one query (bulk_create)."""
    neighbourhood = NeighbourhoodFactory(name="Drukke wijk", boundary=box(3.70, 51.04, 3.74, 51.06))
    Organisation.objects.bulk_create(
        OrganisationFactory.build(
            name=f"Vereniging nummer {i:03d}",
            slug=f"vereniging-nummer-{i:03d}",
            point=Point(3.70 + (i % 20) * 0.002, 51.04 + (i // 20) * 0.001, srid=4326),
            neighbourhood=neighbourhood,
        )
        for i in range(1, MANY + 1)
    )
    return neighbourhood


def test_home_and_neighbourhood_pages_stay_small_with_many_listings(client, many_listings):
    last = f"Vereniging nummer {MANY:03d}"
    for url in (reverse("maps:city"), many_listings.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 200
        assert len(response.content) < PAGE_BYTES_LIMIT, (url, len(response.content))
        assert last not in response.content.decode(), url


def test_neighbourhood_list_pages_work_without_javascript(client, many_listings):
    url = many_listings.get_absolute_url()
    first = client.get(url).content.decode()
    assert "Vereniging nummer 001" in first
    assert "Vereniging nummer 051" not in first
    assert 'href="?page=2#organisations" rel="next"' in first
    last = client.get(url, {"page": 6}).content.decode()
    assert f"Vereniging nummer {MANY:03d}" in last
    assert 'rel="next"' not in last
    assert 'href="?page=5#organisations" rel="prev"' in last
