"""Privacy by design: no page or endpoint shows where a helper lives, and searching from
several places cannot pin them down closer than the coarsening."""

import itertools
import json
import math
import re

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

import spatial
from activities.models import Activity
from buurt.models import Neighbourhood, Organisation
from neighbourhelp import services
from tests import factories

from .helpers import HOMES, covered_area, help_request, offer

pytestmark = pytest.mark.django_db

HELPER_HOMES = ["Sint-Pietersnieuwstraat 33", "Frère-Orbanlaan 10", "Kortrijksesteenweg 100"]


def parameterless_get_urls(patterns=None, prefix="", namespace=None):
    """Every named URL without parameters: the pages and endpoints anyone can open."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for pattern in patterns:
        if pattern.pattern.regex.groups:
            continue
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from parameterless_get_urls(
                pattern.url_patterns, prefix + str(pattern.pattern), inner
            )
        elif isinstance(pattern, URLPattern) and pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            if name in {"account_logout", "set_language"}:
                continue
            yield reverse(name)


def forbidden_strings(offers) -> list[str]:
    """Exact coordinates to 4 decimals (with point or comma) and street + house number."""
    found = []
    for home, item in offers:
        point = item.private_point
        for value in (point.y, point.x):
            text = f"{value:.4f}"
            found += [text, text.replace(".", ",")]
        found.append(home)
        found.append(home.replace(" ", "&nbsp;"))
    return found


@pytest.fixture
def world(tmp_path):
    covered_area(tmp_path)
    offers = [(home, offer(home)) for home in HELPER_HOMES]
    # One of them with a match, so that their request pages and relays exist too.
    item = help_request("Veldstraat 33")
    match = services.help_match_create(request=item, offer=offers[0][1], actor=item.requester)
    services.help_message_send(match=match, sender=item.requester, body="Hallo buur!")
    # A neighbourhood association with an activity next door, so that their pages and feeds
    # (which take a slug or an id) are read too.
    lat, lon = HOMES[HELPER_HOMES[0]]
    factories.ActivityFactory(
        organisation=factories.OrganisationFactory(
            point=Point(lon + 0.0011, lat + 0.0013, srid=4326)
        )
    )
    # The coarse points must differ from the homes at 4 decimals, or the test proves nothing.
    for _home, given in offers:
        assert f"{given.public_point.y:.4f}" != f"{given.private_point.y:.4f}"
        assert f"{given.public_point.x:.4f}" != f"{given.private_point.x:.4f}"
    return offers


def visitors():
    worker = factories.WorkerProfileFactory(verified_at=timezone.now()).user
    return {"anonymous": None, "resident": factories.ResidentFactory(), "unrelated worker": worker}


def pages_to_read(offers) -> list[str]:
    lat, lon = HOMES["Sint-Pietersnieuwstraat 33"]
    near = f"lat={lat + 0.002}&lon={lon - 0.003}"
    box = "3.70,51.03,3.75,51.06"
    urls = list(parameterless_get_urls())
    urls += [given.get_absolute_url() for _home, given in offers]
    urls += [reverse("neighbourhelp:board") + "?category=shopping"]
    urls += [
        reverse("maps:search") + f"?{near}&radius=5000",
        reverse("maps:search") + f"?{near}&radius=5000&kind=help_offers",
        reverse("maps:search-print") + f"?{near}&radius=5000",
        reverse("maps-api:search") + f"?{near}&radius=5000",
        reverse("maps-api:search") + f"?{near}&radius=5000&kind=help_offers&category=shopping",
        reverse("maps-api:search-bbox") + f"?bbox={box}",
        reverse("maps-api:search-bbox") + f"?bbox={box}&{near}&radius=5000",
    ]
    # Public pages of the other apps that take a slug, a code or an id.
    for neighbourhood in Neighbourhood.objects.all():
        urls += [
            neighbourhood.get_absolute_url(),
            reverse("activities:neighbourhood-ics", args=[neighbourhood.code]),
        ]
    for organisation in Organisation.objects.public():
        urls += [
            organisation.get_absolute_url(),
            reverse("activities:organisation-ics", args=[organisation.slug]),
        ]
    urls += [activity.get_absolute_url() for activity in Activity.objects.all()]
    return urls


def test_no_page_or_endpoint_shows_where_a_helper_lives(client, world):
    forbidden = forbidden_strings(world)
    urls = pages_to_read(world)
    read = 0
    for who, user in visitors().items():
        client.logout()
        if user:
            client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, (who, url)
            if response.status_code != 200 or getattr(response, "streaming", False):
                continue
            body = response.content.decode()
            read += 1
            leaked = [text for text in forbidden if text in body]
            assert leaked == [], f"{who} sees {leaked} on {url}"
    assert read > 40  # the walk really read pages
    client.logout()
    activity = Activity.objects.get()
    for url in (activity.get_absolute_url(), activity.organisation.get_absolute_url()):
        assert client.get(url).status_code == 200, url  # the pages next door were read too
    for message in mail.outbox:
        assert [t for t in forbidden if t in message.body] == []


def test_the_search_finds_helpers_but_only_at_their_coarse_point(client, world):
    lat, lon = HOMES["Sint-Pietersnieuwstraat 33"]
    url = reverse("maps-api:search") + f"?lat={lat + 0.002}&lon={lon}&radius=5000"
    features = [f for f in client.get(url + "&kind=help_offers").json()["features"]]
    assert len(features) == len(world)
    public = {(round(g.public_point.x, 5), round(g.public_point.y, 5)) for _h, g in world}
    for feature in features:
        lon_, lat_ = feature["geometry"]["coordinates"]
        assert (round(lon_, 5), round(lat_, 5)) in public
        assert feature["properties"]["approximate"] is True
        assert feature["properties"]["distance_m"] % 500 == 0
        assert feature["properties"]["address"] == ""


def test_the_board_and_detail_pages_show_the_area_not_the_home(client, world):
    page = client.get(reverse("neighbourhelp:board")).content.decode()
    assert "A neighbour in Gent-Centrum" in page
    detail = client.get(world[0][1].get_absolute_url()).content.decode()
    assert "Somewhere in Gent-Centrum" in detail


# --- Trilateration -------------------------------------------------------------------------

SEARCH_OFFSETS_M = [(-1200, 300), (900, 800), (200, -1400), (1500, -600), (-700, -900)]


def offset(point: Point, east_m: float, north_m: float) -> Point:
    lat = point.y + north_m / 111_320
    lon = point.x + east_m / (111_320 * math.cos(math.radians(point.y)))
    return Point(lon, lat, srid=4326)


def test_five_searches_cannot_locate_a_helper_closer_than_the_coarsening(client, tmp_path):
    area = covered_area(tmp_path)
    # A home near a corner of its 250 m cell: the worst case for the helper is the centre,
    # so this shows what an attacker can at best learn: the cell, not the home.
    centre = spatial.coarsen(Point(3.7253, 51.0448, srid=4326))
    # Two homes near opposite corners of one 250 m cell: the attacker can at best find the
    # cell, and for a home near its corner that is no better than the coarsening radius.
    homes = [offset(centre, 110, 110), offset(centre, -110, -110)]
    for home in homes:
        assert spatial.coarsen(home) == centre
        factories.HelpOfferFactory(private_point=home, neighbourhood=area)
    observations = []
    for east, north in SEARCH_OFFSETS_M:
        origin = offset(centre, east, north)
        url = (
            reverse("maps-api:search")
            + f"?lat={origin.y}&lon={origin.x}&radius=5000&kind=help_offers"
        )
        found = client.get(url).json()["features"]
        # Both helpers give the very same answer: nothing finer than the cell can be learnt.
        assert len(found) == 2
        assert found[0]["geometry"] == found[1]["geometry"]
        distances = {f["properties"]["distance_m"] for f in found}
        assert len(distances) == 1
        observations.append((origin, distances.pop()))
        for home in homes:
            assert f"{home.y:.4f}" not in json.dumps(found)

    # The attacker's best: every point (on a 10 m grid) that fits all five bucketed answers.
    fitting = []
    for east, north in itertools.product(range(-1000, 1001, 10), repeat=2):
        candidate = offset(centre, east, north)
        if fits(candidate, observations):
            fitting.append(candidate)
    assert fitting
    guess = Point(
        sum(p.x for p in fitting) / len(fitting),
        sum(p.y for p in fitting) / len(fitting),
        srid=4326,
    )
    # The answers are the same for both homes, so whatever the guess, one of the two helpers
    # is further from it than the coarsening radius (half a 250 m cell); here the attacker's
    # best guess, the middle of every point that fits.
    assert max(spatial.great_circle_m(guess, home) for home in homes) > 125


def fits(candidate: Point, observations) -> bool:
    return all(
        spatial.bucket_distance(spatial.great_circle_m(candidate, origin), bucket_m=500) == reported
        for origin, reported in observations
    )


# --- The helpers page as an oracle ----------------------------------------------------------

ATTACK_BUDGET = 50  # help requests the attacker may create and close
RAYS = (0, 120, 240)  # bearings in degrees from the helper's public point
LISTED_OFFER = re.compile(
    r"<li>\s*A neighbour in [^·<]+· (?P<label>[^·<]+?) ·.*?"
    r'name="offer" value="(?P<pk>\d+)"',
    re.DOTALL,
)


class HelpersPageAttacker:
    """A resident who creates help requests at addresses of their choosing, reads which
    offers the helpers page lists and with which distance label, and closes the request
    again: an adaptive search for one helper's home, starting from its public point."""

    def __init__(self, client, area, user):
        self.client, self.area, self.user = client, area, user
        self.spent = 0
        self.transcript = []

    def observe(self, point: Point, target_pk: int) -> str | None:
        """The label shown for the target offer, or None when it is not listed."""
        assert self.spent < ATTACK_BUDGET
        self.spent += 1
        # As help_request_create stores a geocoded address (the attacker picks the address).
        item = factories.HelpRequestFactory(
            requester=self.user, private_point=point, neighbourhood=self.area
        )
        page = self.client.get(reverse("neighbourhelp:request-helpers", args=[item.pk]))
        listed = {
            int(found["pk"]): found["label"].strip()
            for found in LISTED_OFFER.finditer(page.content.decode())
        }
        self.client.post(reverse("neighbourhelp:request-close", args=[item.pk]))
        answer = listed.get(target_pk)
        self.transcript.append(answer)
        return answer

    def locate(self, start: Point, target_pk: int) -> Point:
        """Bisect along three rays for where the offer stops being listed; those edge points
        lie on the circle of the helper's reach, whose centre is the estimate."""
        assert self.observe(start, target_pk) is not None
        edges = []
        for bearing in RAYS:
            inside, outside = 0.0, 1500.0
            while self.spent < 1 + len(edges) * 15 + 15:
                middle = (inside + outside) / 2
                east = middle * math.sin(math.radians(bearing))
                north = middle * math.cos(math.radians(bearing))
                if self.observe(offset(start, east, north), target_pk) is None:
                    outside = middle
                else:
                    inside = middle
            edges.append(((inside + outside) / 2, bearing))
        points = [(d * math.sin(math.radians(b)), d * math.cos(math.radians(b))) for d, b in edges]
        east, north = circumcentre(*points)
        return offset(start, east, north)


def circumcentre(a, b, c):
    (ax, ay), (bx, by), (cx, cy) = a, b, c
    d = 2 * (ax * (by - cy) + bx * (cy - ay) + cx * (ay - by))
    ux = (
        (ax**2 + ay**2) * (by - cy) + (bx**2 + by**2) * (cy - ay) + (cx**2 + cy**2) * (ay - by)
    ) / d
    uy = (
        (ax**2 + ay**2) * (cx - bx) + (bx**2 + by**2) * (ax - cx) + (cx**2 + cy**2) * (bx - ax)
    ) / d
    return ux, uy


def test_an_adaptive_attacker_with_50_requests_learns_no_more_than_the_public_cell(
    client, tmp_path
):
    area = covered_area(tmp_path)
    centre = spatial.coarsen(Point(3.7253, 51.0448, srid=4326))
    # Two helpers near opposite corners of one 250 m cell, each willing to go 300 m: before
    # this was closed, the page's answers were decided by their exact homes and the attack
    # below found each of them to within a metre.
    homes = [offset(centre, 100, 100), offset(centre, -100, -100)]
    offers = []
    for home in homes:
        assert spatial.coarsen(home) == centre
        offers.append(
            factories.HelpOfferFactory(private_point=home, neighbourhood=area, max_distance_m=300)
        )
    user = factories.ResidentFactory()
    client.force_login(user)
    transcripts, guesses = [], []
    for offer_ in offers:
        attacker = HelpersPageAttacker(client, area, user)
        guesses.append(attacker.locate(offer_.public_point, offer_.pk))
        assert attacker.spent <= ATTACK_BUDGET
        transcripts.append(attacker.transcript)
    # Every answer was the same for both helpers: the answers depend on the cell only.
    assert transcripts[0] == transcripts[1]
    assert any(answer is not None for answer in transcripts[0])
    assert any(answer is None for answer in transcripts[0])
    # So one of them is further from the attacker's best guess than half a cell.
    misses = [spatial.great_circle_m(g, h) for g, h in zip(guesses, homes, strict=True)]
    assert max(misses) > 125, misses


def _wgs84(x: float, y: float) -> Point:
    point = Point(x, y, srid=spatial.LAEA_EUROPE)
    point.transform(spatial.WGS84)
    return point


def _laea_box(west: float, south: float, east: float, north: float):
    """A neighbourhood's boundary drawn in metres (EPSG:3035), as a WGS84 multipolygon."""
    corners = [
        _wgs84(x, y) for x, y in ((west, south), (east, south), (east, north), (west, north))
    ]
    ring = [(c.x, c.y) for c in corners]
    return MultiPolygon(Polygon([*ring, ring[0]]), srid=spatial.WGS84)


def test_two_neighbours_in_one_cell_are_in_the_same_neighbourhood_across_a_border():
    """The neighbourhood said of a helper ("a neighbour in X") depends on the 250 m cell, like
    the public point: a border through the cell does not tell which side a person lives on."""
    centre = spatial.coarsen(Point(3.7196, 51.0543, srid=spatial.WGS84)).transform(
        spatial.LAEA_EUROPE, clone=True
    )
    border = centre.x + 50  # inside the cell, east of its centre
    west = factories.NeighbourhoodFactory(
        name="West", boundary=_laea_box(centre.x - 2000, centre.y - 2000, border, centre.y + 2000)
    )
    factories.NeighbourhoodFactory(
        name="East", boundary=_laea_box(border, centre.y - 2000, centre.x + 2000, centre.y + 2000)
    )
    in_west, in_east = _wgs84(centre.x - 100, centre.y), _wgs84(centre.x + 100, centre.y)
    assert Neighbourhood.objects.containing(in_east).get().name == "East"

    shown = [services.neighbourhood_shown(p) for p in (in_west, in_east)]
    assert shown == [west, west]
    public = {
        services.public_point_for(p, n).coords
        for p, n in zip((in_west, in_east), shown, strict=True)
    }
    assert len(public) == 1
