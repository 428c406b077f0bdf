"""The admin of neighbourhoods and organisations: pages render, maps load from our own files."""

import re

import pytest
from django.urls import reverse

from buurt.models import Language, NetworkModel, Organisation
from spatial import assets
from tests.factories import NeighbourhoodFactory, OrganisationFactory, box

pytestmark = pytest.mark.django_db

ASSET = re.compile(r'<(?:script src|link href)="([^"]+)"')


def assert_no_cdn(content: str):
    for url in ASSET.findall(content):
        assert not re.match(r"(https?:)?//", url), url
    assert "cdn.jsdelivr.net" not in content


@pytest.fixture
def neighbourhood():
    return NeighbourhoodFactory(name="Binnenstad", boundary=box(3.70, 51.045, 3.74, 51.065))


@pytest.fixture
def organisation(neighbourhood):
    return OrganisationFactory(name="Toneelgroep", neighbourhood=neighbourhood)


@pytest.mark.parametrize("model", ["neighbourhood", "organisation"])
def test_changelist_renders(admin_client, organisation, model):
    response = admin_client.get(reverse(f"admin:buurt_{model}_changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Binnenstad" in content
    assert_no_cdn(content)


@pytest.mark.parametrize("model", ["neighbourhood", "organisation"])
def test_add_page_uses_the_local_map_widget(admin_client, model):
    response = admin_client.get(reverse(f"admin:buurt_{model}_add"))
    assert response.status_code == 200
    content = response.content.decode()
    assert assets.OPENLAYERS_JS in content
    assert assets.OPENLAYERS_CSS in content
    # maps/map-widget.js starts the widget with our tiles, from options in the markup.
    assert assets.MAP_WIDGET_JS in content
    assert "data-map-options=" in content
    assert "ol.source.OSM" not in content
    assert_no_cdn(content)


def test_change_pages_render_with_the_geometry(admin_client, organisation, neighbourhood):
    for obj in (organisation, neighbourhood):
        url = reverse(f"admin:buurt_{obj._meta.model_name}_change", args=[obj.pk])
        response = admin_client.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert_no_cdn(content)
        assert "3.7" in content  # the serialised geometry the map widget draws
    neighbourhood_page = admin_client.get(
        reverse("admin:buurt_neighbourhood_change", args=[neighbourhood.pk])
    ).content.decode()
    assert "MultiPolygon" in neighbourhood_page


def test_map_widget_uses_the_configured_tiles(admin_client, settings):
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    content = admin_client.get(reverse("admin:buurt_organisation_add")).content.decode()
    # OpenLayers spells Leaflet's {s} subdomains as {a-c}.
    assert "&quot;https://{a-c}.tiles.example.org/{z}/{x}/{y}.png&quot;" in content


def test_organisation_neighbourhood_is_read_only(admin_client, organisation):
    url = reverse("admin:buurt_organisation_change", args=[organisation.pk])
    form = admin_client.get(url).context["adminform"].form
    assert "neighbourhood" not in form.fields
    assert "point" in form.fields


def test_saving_in_the_admin_derives_the_neighbourhood(admin_client, neighbourhood):
    elsewhere = NeighbourhoodFactory(name="Elders", boundary=box(3.60, 51.00, 3.65, 51.02))
    dutch = Language.objects.get_or_create(code="nl", defaults={"name_local": "Nederlands"})[0]
    buddy = NetworkModel.objects.get(code=NetworkModel.Code.BUDDY)
    response = admin_client.post(
        reverse("admin:buurt_organisation_add"),
        {
            "name": "Buddywerking Gent",
            "slug": "buddywerking-gent",
            "kind": Organisation.Kind.BUDDY_PROJECT,
            "status": Organisation.Status.PUBLISHED,
            "content_language": "nl",
            "street_address": "Korenmarkt 1",
            "postcode": "9000",
            "city": "Gent",
            # The Korenmarkt, inside Binnenstad.
            "point": "SRID=4326;POINT(3.7196 51.0543)",
            "languages": [dutch.pk],
            "network_models": [buddy.pk],
            "cost": Organisation.Cost.FREE,
            # A forged value for a read-only field is ignored.
            "neighbourhood": elsewhere.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation = Organisation.objects.get(slug="buddywerking-gent")
    assert organisation.neighbourhood == neighbourhood
    assert list(organisation.languages.all()) == [dutch]
    assert list(organisation.network_models.all()) == [buddy]


def test_moving_an_organisation_in_the_admin_updates_its_neighbourhood(
    admin_client, organisation, neighbourhood
):
    elsewhere = NeighbourhoodFactory(name="Elders", boundary=box(3.60, 51.00, 3.65, 51.02))
    url = reverse("admin:buurt_organisation_change", args=[organisation.pk])
    data = admin_client.get(url).context["adminform"].form.initial
    form = {
        key: value
        for key, value in data.items()
        if value is not None and key not in {"point", "languages", "network_models", "logo"}
    }
    form["point"] = "SRID=4326;POINT(3.62 51.01)"
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert organisation.neighbourhood == elsewhere


def _posted_form(html: bytes) -> dict:
    """What the browser would post from the page's main form, as it is."""
    from tests.html_tree import parse

    form = parse(html).find("form", id="activity_form")
    data: dict = {}
    for element in form.find_all("input"):
        name, kind = element.attrs.get("name"), element.attrs.get("type", "text")
        if not name or kind in {"submit", "file"}:
            continue
        if kind in {"checkbox", "radio"} and "checked" not in element.attrs:
            continue
        default = "on" if kind in {"checkbox", "radio"} else ""
        data.setdefault(name, []).append(element.attrs.get("value", default))
    for element in form.find_all("select"):
        chosen = [
            o.attrs.get("value", o.text)
            for o in element.find_all("option")
            if "selected" in o.attrs
        ]
        if element.attrs.get("name") and chosen:
            data[element.attrs["name"]] = chosen
    for element in form.find_all("textarea"):
        data[element.attrs["name"]] = [element.text]
    return data


def test_the_admin_refuses_a_first_date_off_the_rule(admin_client):
    """RFC 5545 leaves a set undefined when DTSTART is not a date of the rule: the admin says
    which date the rule gives first, and saves nothing."""
    from activities.models import Activity
    from tests.factories import ActivityFactory, brussels

    second_monday = brussels(2027, 1, 11, 19, 0)
    activity = ActivityFactory(starts_at=second_monday, ends_at=brussels(2027, 1, 11, 21, 0))
    url = reverse("admin:activities_activity_change", args=[activity.pk])
    form = _posted_form(admin_client.get(url).content)
    form["rrule"] = ["FREQ=MONTHLY;BYDAY=1MO"]
    response = admin_client.post(url, form)
    assert response.status_code == 200
    assert set(response.context["adminform"].form.errors) == {"starts_at"}
    assert response.context["adminform"].form.errors["starts_at"] == [
        "The first date must be a date of the repetition: it gives Monday 1 February 2027, "
        "19:00 first. Start on that date."
    ]
    assert Activity.objects.get(pk=activity.pk).rrule == ""

    form["starts_at_0"], form["ends_at_0"] = ["2027-02-01"], ["2027-02-01"]
    response = admin_client.post(url, form)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Activity.objects.get(pk=activity.pk).rrule == "FREQ=MONTHLY;BYDAY=1MO"
