"""The search service: distances, filters, merging kinds, pages, suggestions, privacy."""

import pytest
from django.contrib.gis.geos import Point
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

import spatial
from buurt.models import Organisation
from buurt.search import registry
from buurt.search.organisations import OrganisationSource
from buurt.search.params import FilterUnit
from maps.search import service
from maps.search.forms import parse_search
from tests.buurt.gazetteer_data import load_gazetteer
from tests.factories import ActivityFactory, OrganisationFactory
from tests.maps.search_places import (
    HOME,
    HOME_ADDRESS,
    crowd,
    grid,
    neighbourhood_of_places,
    offset,
    organisation_at,
)

pytestmark = pytest.mark.django_db


def run(query: str, **kwargs):
    params = parse_search(QueryDict(query))
    return service.search(params, location=service.search_location(params), **kwargs)


def titles(page) -> list[str]:
    return [result.title for result in page.results]


@pytest.fixture
def places():
    return neighbourhood_of_places()


HOME_QUERY = f"lat={HOME.y}&lon={HOME.x}"


def test_results_are_nearest_first_with_distance_and_walking_time(places):
    page = run(f"{HOME_QUERY}&radius=800")
    assert titles(page) == [
        "Toneelgroep Tinnen Pot",
        "Wandelclub Mannen op Stap",
        "Buurthuis De Brug",
    ]  # the draft (100 m) and the hidden one (120 m) are not public
    assert page.count == 3
    buurthuis = page.results[2]
    # 650 m north of home, as placed: the database measures on the ellipsoid, within 1%.
    assert buurthuis.distance_m == pytest.approx(650, rel=0.01)
    assert buurthuis.walking_minutes == 9  # 650 m at 80 m a minute, rounded up
    assert buurthuis.url == places["buurthuis"].get_absolute_url()
    assert buurthuis.category_label == "Buurthuis / community centre"
    assert {flag.code for flag in buurthuis.flags} == {
        "wheelchair",
        "hearing_loop",
        "reduced_rate",
    }
    assert buurthuis.languages == ("Nederlands", "Türkçe", "العربية")  # alphabetically


def test_an_organisation_without_a_point_is_never_found(places):
    Organisation.objects.filter(pk=places["theatre"].pk).update(point=None)
    assert "Toneelgroep Tinnen Pot" not in titles(run(HOME_QUERY))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        # Free, pay what you can, or a reduced rate.
        (
            "reduced_rate=1",
            ["Wandelclub Mannen op Stap", "Buurthuis De Brug", "Taalcafé Babbel", "LDC De Vlier"],
        ),
        ("access=wheelchair", ["Toneelgroep Tinnen Pot", "Buurthuis De Brug"]),
        ("access=wheelchair&access=hearing_loop", ["Buurthuis De Brug"]),
        ("access=quiet", ["Taalcafé Babbel"]),
        ("language=ar", ["Wandelclub Mannen op Stap", "Buurthuis De Brug"]),
        # Any of the languages; an organisation speaking both is listed once.
        ("language=ar&language=tr", ["Wandelclub Mannen op Stap", "Buurthuis De Brug"]),
        ("no_dutch=1", ["Wandelclub Mannen op Stap", "Buurthuis De Brug", "Taalcafé Babbel"]),
        ("come_alone=1", ["Toneelgroep Tinnen Pot", "LDC De Vlier"]),
        ("age=seniors", ["LDC De Vlier"]),
        ("age=children", ["Taalcafé Babbel"]),
        ("model=community", ["Toneelgroep Tinnen Pot", "Buurthuis De Brug"]),
        ("model=peers&model=volunteering", ["Wandelclub Mannen op Stap", "Buurthuis De Brug"]),
        ("category=culture&category=language_cafe", ["Toneelgroep Tinnen Pot", "Taalcafé Babbel"]),
        ("kind=organisations&access=quiet", ["Taalcafé Babbel"]),
    ],
)
def test_filters(places, filters, expected):
    assert titles(run(f"{HOME_QUERY}&radius=2400&{filters}")) == expected


def test_organisations_ignore_dates_and_the_page_says_so(places):
    page = run(f"{HOME_QUERY}&radius=2400&when=today")
    assert page.count == 5
    # Kinds without dates (organisations, neighbours' help offers) say they ignore them.
    ignored = {(i.kind_label, i.names) for i in page.ignored}
    assert ignored == {("Associations and services", ("when",)), ("Neighbours who help", ("when",))}


def test_pages_do_not_overlap(places):
    first = run(f"{HOME_QUERY}&radius=2400&page_size=2")
    second = run(f"{HOME_QUERY}&radius=2400&page_size=2&page=2")
    third = run(f"{HOME_QUERY}&radius=2400&page_size=2&page=3")
    assert (first.count, first.pages) == (5, 3)
    assert titles(first) + titles(second) + titles(third) == titles(
        run(f"{HOME_QUERY}&radius=2400")
    )
    assert second.first_number == 3
    assert titles(run(f"{HOME_QUERY}&radius=2400&page_size=2&page=9")) == []


def test_markers_are_every_result_up_to_the_limit(places, monkeypatch):
    page = run(f"{HOME_QUERY}&radius=2400&page_size=2", markers=True)
    assert [m.title for m in page.markers] == titles(run(f"{HOME_QUERY}&radius=2400"))
    monkeypatch.setattr(service, "MAX_INLINE_MARKERS", 4)
    assert run(f"{HOME_QUERY}&radius=2400", markers=True).markers is None


def test_nothing_found_suggests_a_wider_radius_and_dropping_a_filter(places):
    page = run(f"{HOME_QUERY}&radius=400&access=hearing_loop&reduced_rate=1")
    assert page.count == 0
    suggested = {(s.radius_m, s.unit): s.count for s in page.suggestions}
    # Hearing loop and a reduced rate: only the buurthuis, 650 m away, within 10 minutes.
    # Without the hearing loop, the sports club (300 m, free) is within the 400 m.
    assert suggested == {(800, None): 1, (None, FilterUnit("access", "hearing_loop")): 1}
    wider = page.suggestions[0]
    assert wider.params.radius_m == 800
    assert wider.params.access == ("hearing_loop",)
    assert titles(run(f"{HOME_QUERY}&radius=800&access=hearing_loop&reduced_rate=1")) == [
        "Buurthuis De Brug"
    ]


def test_wider_radii_are_offered_only_when_they_find_more(places):
    page = run(f"{HOME_QUERY}&radius=50")
    assert [(s.radius_m, s.count) for s in page.suggestions] == [(400, 2), (800, 3)]


def test_nothing_anywhere_suggests_nothing():
    assert run(f"{HOME_QUERY}&radius=400&access=quiet").suggestions == []


def test_the_searched_address_and_its_precision(tmp_path, places):
    load_gazetteer(tmp_path)
    location = service.search_location(parse_search(QueryDict(f"address={HOME_ADDRESS}")))
    assert location.precision == "address"
    assert not location.is_approximate
    assert spatial.great_circle_m(location.point, HOME) < 1
    postcode = service.search_location(parse_search(QueryDict("address=9000")))
    assert (postcode.precision, postcode.label) == ("postcode", "9000 Gent")
    assert postcode.is_approximate


def test_an_address_without_its_number_is_the_street(tmp_path):
    load_gazetteer(tmp_path)
    location = service.search_location(
        parse_search(QueryDict("address=Sint-Pietersnieuwstraat 9999"))
    )
    assert (location.precision, location.label) == ("street", "Sint-Pietersnieuwstraat, 9000 Gent")


def test_an_unknown_or_unusable_address_says_so(tmp_path):
    load_gazetteer(tmp_path)
    with pytest.raises(service.LocationError) as caught:
        service.search_location(parse_search(QueryDict("address=Qwxyzstraat 5")))
    assert caught.value.message == "We could not find this address."
    with pytest.raises(service.LocationError) as caught:
        service.search_location(parse_search(QueryDict("address=<script>")))
    assert not caught.value.unavailable
    with pytest.raises(service.LocationError):
        service.search_location(parse_search(QueryDict("radius=400")))


def test_bbox_with_and_without_a_location(places):
    params = parse_search(QueryDict("radius=800"))
    box = spatial.bbox_around(HOME, 2_000)
    everything = service.search_bbox(params, bbox=box)
    assert len(everything.results) == 5
    assert all(result.distance_m is None for result in everything.results)
    near = service.search_bbox(params, bbox=box, location=service.Location(HOME, "home", "point"))
    assert [r.title for r in near.results] == titles(run(f"{HOME_QUERY}&radius=800"))
    assert not near.truncated
    few = service.search_bbox(params, bbox=box, limit=2)
    assert (len(few.results), few.truncated) == (2, True)


def test_bbox_around_holds_the_circle():
    # The box must hold every point of the circle, also on the ellipsoid.
    box = spatial.bbox_around(HOME, 10_000)
    for north, east in [(10_000, 0), (-10_000, 0), (0, 10_000), (0, -10_000)]:
        edge = offset(HOME, north_m=north * 0.999, east_m=east * 0.999)
        assert box.west <= edge.x <= box.east
        assert box.south <= edge.y <= box.north


# --- more kinds of results ---------------------------------------------------------------


class _PrivateSource(OrganisationSource):
    """A stand-in for neighbours' help offers: private points, distances rounded up to 250 m,
    found through a coarse point. Uses organisations as its rows, to stay within this app."""

    key = "private"
    label = "Neighbours"
    distance_bucket_m = 250
    position = 40  # after the kinds of the apps

    def base(self):
        return Organisation.objects.on_map().filter(kind=Organisation.Kind.BUDDY_PROJECT)

    def to_result(self, obj, distance_m):
        result = super().to_result(obj, distance_m)
        from dataclasses import replace

        return replace(
            result,
            kind=self.key,
            kind_label=self.label,
            point=spatial.coarsen(obj.point),
            address="",
            approximate=True,
        )


@pytest.fixture
def private_source():
    source = registry.register(_PrivateSource())
    yield source
    registry.unregister(source.key)


def test_kinds_merge_by_distance_and_private_distances_are_rounded(places, private_source):
    neighbour = Organisation.objects.create(
        name="Buurvrouw Anna",
        slug="buurvrouw-anna",
        kind=Organisation.Kind.BUDDY_PROJECT,
        point=offset(HOME, north_m=410),
        status="published",
    )
    page = run(f"{HOME_QUERY}&radius=800")
    assert [(r.kind, r.title) for r in page.results] == [
        ("organisations", "Toneelgroep Tinnen Pot"),
        ("organisations", "Wandelclub Mannen op Stap"),
        ("organisations", "Buurvrouw Anna"),  # organisations see every kind
        ("private", "Buurvrouw Anna"),
        ("organisations", "Buurthuis De Brug"),
    ]
    anna = page.results[3]
    assert anna.distance_m == 500  # 410 m, rounded up to whole 250 m
    assert anna.approximate
    assert spatial.great_circle_m(anna.point, neighbour.point) > 0  # never the real point
    # Other registered kinds (activities, help offers) find nothing here.
    assert {kind: n for kind, n in page.counts.items() if n} == {"organisations": 4, "private": 1}

    only_private = run(f"{HOME_QUERY}&radius=800&kind=private")
    assert titles(only_private) == ["Buurvrouw Anna"]
    empty = run(f"{HOME_QUERY}&radius=800&kind=private&access=wheelchair")
    assert {(s.unit, s.count) for s in empty.suggestions if s.unit} == {
        (FilterUnit("kind"), 2),  # organisations with wheelchair access within 800 m
        (FilterUnit("access", "wheelchair"), 1),  # Anna, whatever her access
    }


def test_a_point_outside_every_neighbourhood():
    assert service.search_neighbourhood(Point(4.0, 50.5, srid=4326)) is None


def test_pages_of_several_kinds_do_not_overlap(places, private_source):
    for north in (210, 440, 700):
        organisation_at(north, kind=Organisation.Kind.BUDDY_PROJECT)
    everything = run(f"{HOME_QUERY}&radius=2400&page_size=100")
    assert everything.count == 11  # 8 organisations, and 3 of them again as private
    paged = []
    for number in range(1, 7):
        page = run(f"{HOME_QUERY}&radius=2400&page_size=2&page={number}")
        assert page.count == 11
        paged += [(r.kind, r.id) for r in page.results]
    assert paged == [(r.kind, r.id) for r in everything.results]


# --- counting stops at MAX_COUNTED --------------------------------------------------------


def test_the_count_is_exact_up_to_the_cap_and_at_least_beyond(places, monkeypatch):
    # Five places within 2,400 m.
    monkeypatch.setattr(service, "MAX_COUNTED", 5)
    page = run(f"{HOME_QUERY}&radius=2400&page_size=2", markers=True)
    assert (page.count, page.count_is_lower_bound, page.pages) == (5, False, 3)
    monkeypatch.setattr(service, "MAX_COUNTED", 4)
    page = run(f"{HOME_QUERY}&radius=2400&page_size=2", markers=True)
    assert (page.count, page.count_is_lower_bound, page.pages) == (4, True, 2)
    assert page.capped == {"organisations"}
    assert page.markers is None  # not counted to the end: the map loads them by box
    # The list stops at the four nearest; the fifth is on no page.
    last = run(f"{HOME_QUERY}&radius=2400&page_size=2&page=2")
    assert titles(last) == ["Buurthuis De Brug", "Taalcafé Babbel"]
    assert run(f"{HOME_QUERY}&radius=2400&page_size=2&page=3").results == []


def test_with_filters_only_the_nearest_places_are_counted(places, monkeypatch):
    # Free, pay what you can or reduced: sports 300 m, buurthuis 650 m, taalcafé 1,000 m and
    # the seniors 1,500 m; the theatre (150 m) is paid.
    monkeypatch.setattr(service, "MAX_COUNTED", 5)
    page = run(f"{HOME_QUERY}&radius=2400&reduced_rate=1&page_size=2")
    assert (page.count, page.count_is_lower_bound) == (4, False)  # five places, all looked at
    monkeypatch.setattr(service, "MAX_COUNTED", 3)
    page = run(f"{HOME_QUERY}&radius=2400&reduced_rate=1&page_size=2")
    # PostGIS looks at the nearest four places (one more than counted), three of which match,
    # and not at the fifth, the seniors; SpatiaLite counts all four matches, more than three.
    # Either way: "at least 3", and only those three are listed.
    assert (page.count, page.count_is_lower_bound, page.pages) == (3, True, 2)
    last = run(f"{HOME_QUERY}&radius=2400&reduced_rate=1&page_size=2&page=2")
    assert titles(last) == ["Taalcafé Babbel"]


def test_more_than_max_counted_is_estimated_or_at_least(places, django_assert_max_num_queries):
    grid(40, spacing_m=20)  # 1,600 places on an 800 m square: about 1,250 within 400 m
    within = Organisation.objects.filter(spatial.within_sphere("point", HOME, 400)).count()
    params = parse_search(QueryDict(f"{HOME_QUERY}&radius=400"))
    location = service.search_location(params)
    # Which kinds have anything near (only organisations); the first page of their nearest,
    # read with their languages; the count (a sample of the nearest COUNT_SAMPLE + 1;
    # SpatiaLite counts with the page).
    with django_assert_max_num_queries(3):
        page = service.search(params, location=location, markers=True)
    if connection.features.supports_geography:
        assert page.count_is_estimate
        assert not page.count_is_lower_bound
        assert abs(page.count - within) <= within / 10
        assert page.estimated == {"organisations"}
    else:
        assert page.count == service.MAX_COUNTED == 1_000
        assert page.count_is_lower_bound
        assert not page.count_is_estimate
    assert page.pages == 40  # 25 a page, the nearest 1,000
    assert page.markers is None
    distances = [r.distance_m for r in page.results]
    assert len(distances) == 25
    assert distances == sorted(distances)

    last = run(f"{HOME_QUERY}&radius=400&page=40")
    assert len(last.results) == 25
    assert last.results[0].distance_m >= distances[-1]
    past = run(f"{HOME_QUERY}&radius=400&page=41")
    assert (past.results, past.count) == ([], page.count)


@pytest.mark.parametrize(
    ("matches", "farthest_m", "estimate"),
    [
        (200, 400, 200),  # the sample reaches the radius
        (200, 160, 1_200),  # (400 / 160)² = 6.25: 1,250, to two significant figures
        (37, 200, 150),  # 148, to two significant figures
        (3, 200, 12),
        (0, 100, 0),
        (200, 1, 20_000),  # at most 100 times the sample
    ],
)
def test_estimate_count(matches, farthest_m, estimate):
    assert service.estimate_count(matches, radius_m=400, farthest_m=farthest_m) == estimate


def test_a_kind_with_nothing_near_costs_no_query_of_its_own(places):
    far = OrganisationFactory(point=offset(HOME, north_m=5_000))
    ActivityFactory(organisation=far, point=far.point)
    params = parse_search(QueryDict(f"{HOME_QUERY}&radius=800"))
    location = service.search_location(params)
    with CaptureQueriesContext(connection) as captured:
        page = service.search(params, location=location)
    assert page.counts == {"organisations": 3, "activities": 0, "help_offers": 0}
    probe, *rest = [q["sql"] for q in captured.captured_queries]
    assert "activities_activity" in probe
    assert "neighbourhelp_helpoffer" in probe
    assert not any("activities_activity" in sql or "neighbourhelp" in sql for sql in rest)
    # With an activity near, its own walk follows.
    ActivityFactory(organisation=places["buurthuis"], point=places["buurthuis"].point)
    assert run(f"{HOME_QUERY}&radius=800").counts["activities"] == 1


def test_a_filtered_count_is_one_query(places, django_assert_max_num_queries):
    crowd(service.MAX_COUNTED + 5, cost="paid")  # within 260 m; none free or reduced
    params = parse_search(QueryDict(f"{HOME_QUERY}&radius=2400&reduced_rate=1&page_size=2"))
    location = service.search_location(params)
    # Which kinds have anything near (only organisations); the first page of their nearest,
    # read with their languages; the count among the nearest MAX_COUNTED + 1 places.
    with django_assert_max_num_queries(3):
        page = service.search(params, location=location)
    assert titles(page) == ["Wandelclub Mannen op Stap", "Buurthuis De Brug"]
    if connection.features.supports_geography:
        # PostGIS looks at the nearest places only. None of them (the crowd and the theatre)
        # matches, but the page found two and one more: about three.
        assert (page.count, page.count_is_estimate, page.pages) == (3, True, 2)
    else:
        # SpatiaLite reads every place of the radius to sort them, and counts them all.
        assert (page.count, page.count_is_lower_bound, page.pages) == (4, False, 2)
    # The last page finds the end: the count is exact again.
    last = run(f"{HOME_QUERY}&radius=2400&reduced_rate=1&page_size=2&page=2")
    assert titles(last) == ["Taalcafé Babbel", "LDC De Vlier"]
    assert (last.count, last.count_is_lower_bound) == (4, False)


# --- rare filters stop early -----------------------------------------------------------------


def test_a_rare_category_finds_the_same_as_every_place_tested(places):
    """A kind few listings have: the search finds exactly what testing every place of the
    radius finds (none, then the one 2,000 m away), nearest first."""
    grid(20, spacing_m=40)  # 400 places of other kinds around HOME
    assert run(f"{HOME_QUERY}&radius=2400&category=other").count == 0
    other = organisation_at(2000, name="Wijkpost", kind=Organisation.Kind.OTHER)
    organisation_at(3000, name="Te ver", kind=Organisation.Kind.OTHER)
    page = run(f"{HOME_QUERY}&radius=2400&category=other")
    assert [r.id for r in page.results] == [other.pk]
    assert page.results[0].distance_m == pytest.approx(2000, abs=5)  # on the sphere
    assert page.count == 1


@pytest.mark.skipif(not connection.features.supports_geography, reason="PostGIS's plan")
def test_a_rare_category_is_read_from_its_index_not_the_radius(places):
    """PostgreSQL starts from the few rows of the kind (buurt_organisation_kind) rather than
    read every place of the radius to test its kind."""
    grid(40, spacing_m=20)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE buurt_organisation")
        cursor.execute("SET LOCAL enable_seqscan = off")  # as on a city's table
        with CaptureQueriesContext(connection) as captured:
            run(f"{HOME_QUERY}&radius=2400&category=other&kind=organisations")
        walk = next(q["sql"] for q in captured if "<->" in q["sql"])
        cursor.execute("EXPLAIN " + walk)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "buurt_organisation_kind" in plan
    assert "buurt_organisation_point" not in plan  # the GiST index of the radius: not read
