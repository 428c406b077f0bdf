"""The network map page: drawn from a plain form without JavaScript, nothing stored until the
worker saves it with the person's consent; a saved map shows what changed between two dates."""

import datetime
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from networkmap.models import Drawing, NetworkMap, Tie
from tests import factories
from tests.referrals.helpers import worker

from .helpers import FIVE_TIES, form_data, row, saved_map

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"
URL = "/netwerkkaart/"


class _SvgGrabber(HTMLParser):
    """The page's first <svg class="network-drawing"> element as text."""

    def __init__(self, html):
        super().__init__()
        self.html, self.start, self.end, self.depth = html, None, None, 0
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "svg" and "network-drawing" in (dict(attrs).get("class") or ""):
            self.start, self.depth = self.getpos(), 1
        elif tag == "svg" and self.depth:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag == "svg" and self.depth:
            self.depth -= 1
            if self.depth == 0 and self.end is None:
                self.end = self.getpos()


def drawing_of(response) -> ET.Element:
    """The drawing parsed as SVG (XML): it must be well-formed to be read at all."""
    html = response.content.decode()
    grab = _SvgGrabber(html)
    lines = html.splitlines(keepends=True)
    offset = lambda pos: sum(len(line) for line in lines[: pos[0] - 1]) + pos[1]  # noqa: E731
    fragment = html[offset(grab.start) : html.index("</svg>", offset(grab.end)) + len("</svg>")]
    fragment = fragment.replace("<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1)
    return ET.fromstring(fragment)


def tie_titles(svg: ET.Element) -> list[str]:
    return [
        g.find(f"{SVG}title").text
        for g in svg.iter(f"{SVG}g")
        if "tie " in g.get("class", "") + " "
    ]


@pytest.fixture
def signed_in_worker(client):
    user = worker()
    client.force_login(user)
    return user


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_residents_who_are_not_verified_workers_are_refused(client):
    client.force_login(factories.UserFactory())
    response = client.get(URL)
    assert response.status_code == 403
    assert "verified social workers" in response.content.decode()
    client.force_login(factories.WorkerProfileFactory().user)  # asked, not verified yet
    assert client.get(URL).status_code == 403


def test_the_empty_page_has_one_blank_tie_and_an_empty_drawing(client, signed_in_worker):
    response = client.get(URL)
    assert response.status_code == 200
    svg = drawing_of(response)
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Network map"
    assert "No ties drawn yet." in svg.find(f"{SVG}desc").text
    assert tie_titles(svg) == []
    assert response.context["formset"].total_form_count() == 1


def test_drawing_five_ties_stores_nothing(client, signed_in_worker):
    response = client.post(URL, form_data(missing=["peers", "sunday"], action="draw"))

    assert response.status_code == 200
    svg = drawing_of(response)
    titles = tie_titles(svg)
    assert len(titles) == 5
    assert titles[0] == (
        "Anna: Household and family, close, (almost) every day, good for the person. "
        "Gives: company, someone to call at 22:00."
    )
    assert "makes things harder" in titles[4]
    assert "Jan" not in svg.find(f"{SVG}desc").text
    assert "5 ties: 2 close and 3 further away; 3 good for them, 1 that make" in (
        svg.find(f"{SVG}desc").text
    )
    html = response.content.decode()
    assert html.count('<th scope="row">') == 5  # the table of ties, for screen readers and paper
    assert "Peers with the same experience" in html
    assert "Something to do on Sunday" in html
    assert (NetworkMap.objects.count(), Drawing.objects.count(), Tie.objects.count()) == (0, 0, 0)


def test_each_tie_is_drawn_in_its_sector_and_ring(client, signed_in_worker):
    """Sectors run clockwise from the top, 60° each; the close ring ends at 200 units from the
    middle, the further one at 330 (networkmap.drawing)."""
    import math

    response = client.post(URL, form_data(action="draw"))
    placed = response.context["drawing"].ties
    order = ["household", "friends", "neighbours", "associations", "work", "professionals"]
    for tie, drawn in zip(placed, FIVE_TIES, strict=True):
        dx, dy = tie.x - 500, tie.y - 500
        radius = math.hypot(dx, dy)
        degrees = math.degrees(math.atan2(dx, -dy)) % 360
        sector = order.index(drawn["sector"])
        assert sector * 60 < degrees < (sector + 1) * 60, (drawn, degrees)
        assert (55 < radius < 200) if drawn["ring"] == "close" else (200 < radius < 330), drawn


def test_add_and_remove_ties_with_buttons(client, signed_in_worker):
    response = client.post(URL, form_data(action="add"))
    assert response.context["formset"].total_form_count() == 6
    assert len(response.context["ties"]) == 5  # the blank row is not drawn, nor an error

    response = client.post(URL, form_data(remove="1"))
    names = [tie.name for tie in response.context["ties"]]
    assert names == ["Anna", "Mo", "GP", "Kevin"]
    formset = response.context["formset"]
    assert formset.total_form_count() == 4
    assert formset.forms[1]["name"].value() == "Mo"
    assert formset.forms[0]["gives"].value() == ["company", "late_call"]


def test_a_tie_named_with_digits_is_refused_and_not_drawn(client, signed_in_worker):
    rows = [*FIVE_TIES[:2], {**FIVE_TIES[2], "name": "Kerkstraat 12"}]
    response = client.post(URL, form_data(rows, action="draw"))
    assert "A first name or a role in at most three words" in response.content.decode()
    assert [t.name for t in response.context["ties"]] == ["Anna", "sister"]


def test_saving_needs_consent_and_a_pseudonym(client, signed_in_worker):
    response = client.post(URL, form_data(action="save", pseudonym="Jan Janssens"))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Save the map only when the person agrees." in html
    assert "Only a first name or a pseudonym" in html
    assert NetworkMap.objects.count() == 0


def test_saving_with_consent_keeps_the_map_for_its_worker(client, signed_in_worker):
    data = form_data(missing=["peers", "sunday"], action="save", pseudonym="Jan D.", consent="on")
    response = client.post(URL, data)

    network_map = NetworkMap.objects.get()
    assert response.status_code == 302
    assert response["Location"] == network_map.get_absolute_url()
    assert (network_map.worker, network_map.pseudonym) == (signed_in_worker, "Jan D.")
    drawing = network_map.drawings.get()
    assert drawing.missing == ["peers", "sunday"]
    assert [t.name for t in drawing.ties.all()] == ["Anna", "sister", "Mo", "GP", "Kevin"]
    assert drawing.ties.get(name="Anna").gives == ["company", "late_call"]


def test_health_information_in_a_name_needs_a_second_look(client, signed_in_worker):
    rows = [*FIVE_TIES, {**FIVE_TIES[3], "name": "psychiater"}]
    data = form_data(rows, action="save", pseudonym="Jan", consent="on")
    response = client.post(URL, data)
    assert response.status_code == 400
    assert "This looks like health information (psychiater)" in response.content.decode()
    assert NetworkMap.objects.count() == 0

    response = client.post(URL, {**data, "health_confirmed": "on"})
    assert response.status_code == 302
    assert NetworkMap.objects.count() == 1


def test_a_second_visit_shows_what_changed(client, signed_in_worker):
    network_map = saved_map(by=signed_in_worker)
    Drawing.objects.update(drawn_at=timezone.now() - datetime.timedelta(days=60))
    rows = [
        {**FIVE_TIES[0]},
        {**FIVE_TIES[2], "ring": "close", "frequency": "daily"},
        {**FIVE_TIES[3]},
        {**FIVE_TIES[4], "quality": "mixed"},
        row("Wandelclub", "associations", "close", "weekly", "good", "company"),
    ]
    url = network_map.get_absolute_url()
    response = client.get(url)
    assert response.context["formset"].forms[1]["name"].value() == "sister"  # latest drawing

    response = client.post(url, form_data(rows, missing=["sunday"], action="save"))
    assert response.status_code == 302
    assert network_map.drawings.count() == 2

    html = client.get(url).content.decode()
    assert "What changed between" in html
    assert "New: Wandelclub" in html
    assert "No longer on the map: sister" in html
    assert "Mo: how often: every week → (almost) every day" in html
    assert "Kevin: good for the person: makes things harder → sometimes good, sometimes not" in html
    assert "No longer missing: Peers with the same experience" in html


def test_opening_a_saved_map_counts_as_a_visit(client, signed_in_worker):
    network_map = saved_map(by=signed_in_worker)
    long_ago = timezone.now() - datetime.timedelta(days=200)
    NetworkMap.objects.update(last_visited_at=long_ago)
    client.get(network_map.get_absolute_url())
    network_map.refresh_from_db()
    assert network_map.last_visited_at > long_ago + datetime.timedelta(days=199)


def test_the_list_shows_only_the_workers_own_maps(
    client, signed_in_worker, django_assert_max_num_queries
):
    saved_map(by=signed_in_worker, pseudonym="Jan")
    saved_map(by=signed_in_worker, pseudonym="Lea")
    saved_map(pseudonym="Omar")
    with django_assert_max_num_queries(8):
        html = client.get(reverse("networkmap:mine")).content.decode()
    assert "Jan" in html
    assert "Lea" in html
    assert "Omar" not in html


def test_one_click_delete(client, signed_in_worker):
    network_map = saved_map(by=signed_in_worker)
    response = client.post(reverse("networkmap:delete", args=[network_map.pk]))
    assert response.status_code == 302
    assert (NetworkMap.objects.count(), Drawing.objects.count(), Tie.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_drawing_keeps_decimal_points_in_every_language(client, signed_in_worker, language):
    """Dutch and French write 312,5: an SVG coordinate must stay 312.5 or the drawing breaks."""
    response = client.post(URL, form_data(action="draw"), HTTP_ACCEPT_LANGUAGE=language)
    assert response.headers["Content-Language"] == language
    svg = drawing_of(response)
    coordinates = [
        value
        for element in svg.iter()
        for name, value in element.attrib.items()
        if name in ("cx", "cy", "r", "x", "y", "x1", "y1", "x2", "y2", "stroke-width")
    ]
    assert len(coordinates) > 50
    for value in coordinates:
        float(value)  # raises on "312,5"
    assert svg.get("viewBox") == "0 130 1000 750"


@pytest.mark.parametrize(
    "tampered",
    [
        {"tie-TOTAL_FORMS": "1000"},
        {"tie-TOTAL_FORMS": "x"},
        {"remove": "999"},
        {"remove": "-1"},
        {"missing": ["everything"]},
        {"tie-0-sector": "attic", "tie-0-gives": ["money"]},
    ],
)
def test_tampered_posts_get_an_answer_not_an_error(client, signed_in_worker, tampered):
    data = {**form_data(action="draw"), **tampered}
    response = client.post(URL, data)
    assert response.status_code == 200
    assert NetworkMap.objects.count() == 0
    assert len(response.context["ties"]) <= 5


def test_bad_dates_to_compare_fall_back_to_the_last_two(client, signed_in_worker):
    network_map = saved_map(by=signed_in_worker)
    saved_map(pseudonym="Lea")  # someone else's drawing ids are not this map's
    other = Drawing.objects.exclude(network_map=network_map).get()
    url = network_map.get_absolute_url()
    client.post(url, form_data(FIVE_TIES[:2], action="save"))
    response = client.get(url, {"from": str(other.pk), "to": "x"})
    assert response.status_code == 200
    changes = response.context["changes"]
    assert [changes.before.network_map_id, changes.after.network_map_id] == [network_map.pk] * 2


def test_what_was_typed_to_save_stays_while_drawing(client, signed_in_worker):
    response = client.post(URL, form_data(action="add", pseudonym="Jan", consent="on"))
    form = response.context["save_form"]
    assert form["pseudonym"].value() == "Jan"
    assert form["consent"].value() is True
    assert "Save the map only when the person agrees." not in response.content.decode()
    assert NetworkMap.objects.count() == 0
