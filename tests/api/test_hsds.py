"""The HSDS 3.0 API (/api/hsds/): every answer validates against the official compiled schemas
(tests/api/hsds_schemas.py), ids are stored and stable, nothing private or unpublished is
ever part of it, and its parameters filter, page and refuse as documented."""

from __future__ import annotations

import datetime
import json
import uuid
import zoneinfo

import pytest
from dateutil import rrule as du_rrule
from django.contrib.gis.geos import Point
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Occurrence
from activities.services import activity_duplicate
from buurt.models import Language, NetworkModel, Organisation, PostcodeCentroid
from core.moderation import ModerationState
from maps.hsds.taxonomy import NAMESPACE
from tests.factories import (
    KORENMARKT,
    ActivityFactory,
    HelpOfferFactory,
    HelpRequestFactory,
    MembershipFactory,
    OrganisationFactory,
    ReferralFactory,
    brussels,
)

from .hsds_schemas import errors, example

pytestmark = pytest.mark.django_db

ROOT = "/api/hsds/"
# Sint-Pietersplein, about 1.9 km south of the Korenmarkt (great circle).
SINT_PIETERS = Point(3.7262, 51.0377, srid=4326)
LISTS = {
    "services": "compiled/service_list.json",
    "service_at_locations": "compiled/service_at_location_list.json",
    "organizations": "compiled/organization_list.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}
DETAILS = {
    "services": "compiled/service.json",
    "service_at_locations": "compiled/service_at_location.json",
    "organizations": "compiled/organization.json",
    "taxonomies": "taxonomy.json",
    "taxonomy_terms": "taxonomy_term.json",
}
ENVELOPE = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def _language(code: str, name: str) -> Language:
    return Language.objects.get_or_create(code=code, defaults={"name_local": name})[0]


@pytest.fixture
def listings():
    """A public association at the Korenmarkt with four public activities (weekly at its
    place, daily at another address, online, by phone), and what must never show."""
    dutch, arabic = _language("nl", "Nederlands"), _language("ar", "العربية")
    buddy = NetworkModel.objects.get(code="buddy")
    home = OrganisationFactory(
        name="Buurthuis Korenmarkt",
        kind=Organisation.Kind.COMMUNITY_CENTRE,
        description="Koffie, kaarten en een luisterend oor.",
        phone="09 123 45 67",
        email="info@buurthuis.example.org",
        website="https://buurthuis.example.org/",
        opening_hours="ma-vr 9-17 u.",
        wheelchair_accessible=True,
        welcome_person=True,
    )
    home.languages.set([dutch, arabic])
    home.network_models.set([buddy])
    weekly = ActivityFactory(
        organisation=home,
        title="Breicafé",
        category="conversation",
        starts_at=brussels(2026, 12, 15, 19, 30),
        ends_at=brussels(2026, 12, 15, 21, 30),
        rrule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270601",
        exception_dates=["2026-12-29"],
        extra_dates=["2027-01-02"],
        cost=Activity.Cost.PAID,
        price="2.50",
        contact_phone="0470 12 34 56",
        come_alone=True,
    )
    weekly.languages.set([arabic])
    cancelled_date = weekly.occurrences.get(starts_at=brussels(2027, 1, 12, 19, 30))
    cancelled_date.is_cancelled = True
    cancelled_date.save()
    daily = ActivityFactory(
        organisation=home,
        title="Ochtendwandeling",
        category="outing",
        venue=Activity.Venue.ADDRESS,
        street_address="Sint-Pietersplein 1",
        postcode="9000",
        city="Gent",
        starts_at=brussels(2026, 12, 14, 9, 0),
        ends_at=brussels(2026, 12, 14, 10, 0),
        rrule="FREQ=DAILY;COUNT=10",
    )
    Activity.objects.filter(pk=daily.pk).update(point=SINT_PIETERS)
    online = ActivityFactory(organisation=home, title="Taalcafé online", venue="online")
    phone = ActivityFactory(organisation=home, title="Belronde", venue="phone")
    # The 9000 centre (loaded by a migration) moved to the Korenmarkt, to measure from it.
    PostcodeCentroid.objects.filter(postcode="9000").update(point=KORENMARKT)
    # Never in an answer:
    draft = OrganisationFactory(name="Geheim Concept", status=Organisation.Status.DRAFT)
    ActivityFactory(organisation=draft, title="Activiteit van een concept")
    OrganisationFactory(name="Wacht Op Moderatie", moderation_state=ModerationState.PENDING)
    ActivityFactory(organisation=home, title="Nog een kladversie", status="draft")
    ActivityFactory(organisation=home, title="Afgelast Feest", status="cancelled")
    ActivityFactory(organisation=home, title="Verborgen Door Moderatie", moderation_state="hidden")
    HelpOfferFactory(description="Ik help met boodschappen, Zonnebloemstraat")
    HelpRequestFactory(description="Wie helpt mij met mijn formulieren")
    ReferralFactory(organisation=home, pseudonym="Zeynepgeheim")
    MembershipFactory(organisation=home)
    return {
        "organisation": home,
        "activities": [weekly, daily, online, phone],
        "weekly": weekly,
        "daily": daily,
        "online": online,
        "phone": phone,
    }


def _get(client, path, **query):
    return client.get(ROOT + path, query)


def _every(client, path, **query) -> list[dict]:
    """Every item, through the pages of at most 100."""
    items, page = [], 1
    while True:
        answer = _get(client, path, page=page, per_page=100, **query)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        items += body["contents"]
        if body["last_page"] or body["empty"]:
            return items
        page += 1


def _ndjson(client, path, **query) -> list[dict]:
    answer = _get(client, path, format="ndjson", **query)
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("application/x-ndjson")
    text = b"".join(answer.streaming_content).decode()
    assert text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


# --- The validator ---------------------------------------------------------------------------


def test_the_specifications_own_examples_validate():
    """The validator setup is the specification's: its examples pass, and a closed object,
    a referenced schema and a format are really checked."""
    assert errors("compiled/service.json", example("service_full.json")) == []
    assert errors("compiled/organization.json", example("organization_full.json")) == []
    assert (
        errors("compiled/service_at_location.json", example("service_at_location_full.json")) == []
    )
    for name, schema in (
        ("service_list.json", "compiled/service_list.json"),
        ("organization_list.json", "compiled/organization_list.json"),
    ):
        page = example(name)
        assert set(page) == ENVELOPE
        for item in page["contents"]:
            assert errors(schema, item) == []
    assert errors("taxonomy.json", example("taxonomy.json")) == []
    assert errors("taxonomy_term.json", example("taxonomy_term.json")) == []

    service = example("service_full.json")
    assert errors("compiled/service.json", {**service, "colour": "red"})
    assert errors("compiled/service.json", {**service, "id": "42"})
    assert errors("compiled/service.json", {**service, "url": "not a uri"})
    assert errors("compiled/service.json", {**service, "last_modified": "yesterday"})
    term = example("taxonomy_term.json")
    detail = {**term["taxonomy_detail"], "colour": "red"}
    assert errors("taxonomy_term.json", {**term, "taxonomy_detail": detail})


# --- Every answer validates ------------------------------------------------------------------


def test_every_answer_validates_against_the_official_schemas(client, listings):
    for path, schema in LISTS.items():
        page = _get(client, path, per_page=3)
        assert page.status_code == 200
        assert set(page.json()) == ENVELOPE
        items = _every(client, path)
        assert items, path
        for item in items:
            assert errors(schema, item) == []
        lines = _ndjson(client, path)
        assert lines == items, path  # the same items, without pages
        for item in _every(client, path):
            detail = _get(client, f"{path}/{item['id']}")
            assert detail.status_code == 200, (path, item)
            assert errors(DETAILS[path], detail.json()) == []
    organisation = listings["organisation"]
    for full in ("true", "false"):
        answer = _get(client, f"organizations/{organisation.uuid}", full_service=full)
        assert errors("compiled/organization.json", answer.json()) == []
    root = _get(client, "")
    assert root.json()["version"] == "3.0"
    assert set(root.json()) == {"version", "profile", "openapi_url", "publisher"}
    assert client.get(root.json()["openapi_url"], {"format": "json"}).status_code == 200


def test_an_association_is_an_organization_with_its_services_and_locations(client, listings):
    organisation = listings["organisation"]
    answer = _get(client, f"organizations/{organisation.uuid}", full_service="true").json()
    assert answer["name"] == "Buurthuis Korenmarkt"
    services = {service["name"]: service for service in answer["services"]}
    assert set(services) == {
        "Buurthuis Korenmarkt",  # its general offer
        "Breicafé",
        "Ochtendwandeling",
        "Taalcafé online",
        "Belronde",
    }
    # When the listing was last confirmed (a member, a moderator, an import): HSDS assured_date.
    assert services["Buurthuis Korenmarkt"]["assured_date"] == organisation.assured_on.isoformat()
    (location,) = answer["locations"]
    assert location["id"] == str(organisation.location_uuid)
    assert (location["latitude"], location["longitude"]) == (KORENMARKT.y, KORENMARKT.x)
    (address,) = location["addresses"]
    assert address | {"id": None} == {
        "id": None,
        "location_id": str(organisation.location_uuid),
        "address_1": "Korenmarkt 1",
        "city": "Gent",
        "state_province": "BE-VOV",
        "postal_code": "9000",
        "country": "BE",
        "address_type": "physical",
    }
    assert [a["description"] for a in location["accessibility"]] == ["Wheelchair accessible"]
    codes = {
        (a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]) for a in answer["attributes"]
    }
    assert codes == {
        ("Kind of organisation", "community_centre"),
        ("Network-strengthening model", "buddy"),
    }
    general = services["Buurthuis Korenmarkt"]
    service_codes = {a["taxonomy_term"]["code"] for a in general["attributes"]}
    assert {
        "community_centre",
        "buddy",
        "wheelchair",
        "welcome_person",
        "nl",
        "ar",
    } <= service_codes
    assert {language["code"] for language in general["languages"]} == {"ar", "nl"}
    assert general["schedules"][0]["description"] == "ma-vr 9-17 u."
    weekly = services["Breicafé"]
    assert weekly["cost_options"][0] | {"id": None} == {
        "id": None,
        "service_id": str(listings["weekly"].uuid),
        "option": "Paid",
        "amount": 2.5,
        "currency": "EUR",
    }
    assert weekly["phones"][0]["number"] == "0470 12 34 56"
    (at_home,) = weekly["service_at_locations"]
    assert at_home["location_id"] == str(organisation.location_uuid)
    (elsewhere,) = services["Ochtendwandeling"]["service_at_locations"]
    assert elsewhere["location"]["addresses"][0]["address_1"] == "Sint-Pietersplein 1"
    assert elsewhere["location"]["latitude"] == SINT_PIETERS.y
    (online,) = services["Taalcafé online"]["service_at_locations"]
    assert online["location"]["location_type"] == "virtual"
    assert "service_at_locations" not in services["Belronde"]  # by phone: no place


def test_schedules_carry_the_rfc_5545_rule_and_give_our_dates(client, listings):
    """The schedule's parts (freq, byday, interval, until, dtstart, opens_at, timezone), its
    EXDATE note and its extra dates rebuild, with dateutil, exactly the stored occurrences
    that are not cancelled."""
    weekly = listings["weekly"]
    service = _get(client, f"services/{weekly.uuid}").json()
    main, extra = service["schedules"]
    assert main | {"id": None, "attending_type": None} == {
        "id": None,
        "attending_type": None,
        "service_id": str(weekly.uuid),
        "dtstart": "2026-12-15",
        "valid_from": "2026-12-15",
        "valid_to": "2027-06-01",
        "until": "2027-06-01",
        "timezone": 1.0,
        "opens_at": "19:30:00",
        "closes_at": "21:30:00",
        "freq": "WEEKLY",
        "interval": 2,
        "byday": "TU",
        "notes": "RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270601\n"
        "EXDATE;VALUE=DATE:20261229,20270112",
    }
    assert extra["dtstart"] == extra["valid_from"] == extra["valid_to"] == "2027-01-02"

    zone = zoneinfo.ZoneInfo("Europe/Brussels")
    first = datetime.datetime.combine(
        datetime.date.fromisoformat(main["dtstart"]), datetime.time.fromisoformat(main["opens_at"])
    )
    until = datetime.datetime.combine(datetime.date.fromisoformat(main["until"]), datetime.time())
    rule = du_rrule.rrule(
        getattr(du_rrule, main["freq"]),
        dtstart=first,
        interval=main["interval"],
        byweekday=[getattr(du_rrule, day) for day in main["byday"].split(",")],
        until=until,
    )
    skipped = {
        datetime.datetime.strptime(day, "%Y%m%d").date()
        for day in main["notes"].splitlines()[1].split(":")[1].split(",")
    }
    computed = {moment for moment in rule if moment.date() not in skipped}
    computed.add(datetime.datetime.combine(datetime.date(2027, 1, 2), first.time()))
    stored = {
        occurrence.starts_at.astimezone(zone).replace(tzinfo=None)
        for occurrence in Occurrence.objects.filter(activity=weekly, is_cancelled=False)
    }
    assert len(stored) > 5
    assert computed == stored

    daily = _get(client, f"services/{listings['daily'].uuid}").json()["schedules"]
    (only,) = daily
    assert "freq" not in only  # HSDS knows WEEKLY and MONTHLY only: the rule is in notes
    assert only["count"] == 10
    assert only["notes"] == "RRULE:FREQ=DAILY;COUNT=10"


# --- Identifiers -----------------------------------------------------------------------------


def test_ids_are_the_stored_uuids_and_do_not_change(client, listings):
    organisation, weekly = listings["organisation"], listings["weekly"]
    first = _every(client, "service_at_locations")
    Organisation.objects.get(pk=organisation.pk).save()  # an edit
    weekly.refresh_from_db()
    weekly.title = "Breicafé (nieuw)"
    weekly.save()
    again = _every(client, "service_at_locations")
    assert [item["id"] for item in first] == [item["id"] for item in again]
    organisation.refresh_from_db()
    ids = {(item["id"], item["service_id"], item["location_id"]) for item in again}
    assert (
        str(organisation.service_at_location_uuid),
        str(organisation.service_uuid),
        str(organisation.location_uuid),
    ) in ids
    assert (
        str(weekly.service_at_location_uuid),
        str(weekly.uuid),
        str(organisation.location_uuid),
    ) in ids
    daily = listings["daily"]
    assert (
        str(daily.service_at_location_uuid),
        str(daily.uuid),
        str(daily.location_uuid),
    ) in ids
    every_id = [
        str(getattr(organisation, field))
        for field in ("uuid", "service_uuid", "location_uuid", "service_at_location_uuid")
    ] + [str(getattr(a, f)) for a in listings["activities"] for f in Activity.IDENTIFIER_FIELDS]
    assert len(set(every_id)) == len(every_id)


def test_a_copied_activity_gets_ids_of_its_own(listings):
    weekly = listings["weekly"]
    member = MembershipFactory(organisation=weekly.organisation, role="admin").user
    copy = activity_duplicate(activity=weekly, user=member)
    for field in Activity.IDENTIFIER_FIELDS:
        assert getattr(copy, field) != getattr(weekly, field)


def test_taxonomy_term_ids_are_fixed_across_releases(client, listings):
    """Derived from the code with a namespace that must never change: these are published."""
    assert uuid.UUID("6f1c3f0e-5b8e-4d52-9a57-1c0d6c2f9b31") == NAMESPACE
    terms = {(t["taxonomy"], t["code"]): t["id"] for t in _every(client, "taxonomy_terms")}
    assert terms[("Kind of organisation", "culture")] == "d927949e-222c-55fa-a943-e814d88da340"
    assert terms[("Language spoken", "ar")] == str(uuid.uuid5(NAMESPACE, "language/ar"))
    assert len(set(terms.values())) == len(terms)


# --- Privacy and publication -----------------------------------------------------------------


def test_no_private_person_help_or_referral_and_nothing_unpublished(client, listings):
    everything = ""
    for path in LISTS:
        everything += json.dumps(_ndjson(client, path), ensure_ascii=False)
        for item in _every(client, path):
            everything += _get(client, f"{path}/{item['id']}").content.decode()
    organisation = listings["organisation"]
    everything += _get(
        client, f"organizations/{organisation.uuid}", full_service="true"
    ).content.decode()
    for secret in (
        "Geheim Concept",
        "Activiteit van een concept",
        "Wacht Op Moderatie",
        "Nog een kladversie",
        "Afgelast Feest",
        "Verborgen Door Moderatie",
        "Zonnebloemstraat",
        "formulieren",
        "Zeynepgeheim",
        "@example.com",  # accounts' e-mail addresses (users, helpers, workers)
    ):
        assert secret not in everything, secret
    names = {item["name"] for item in _every(client, "services")}
    # The referring worker's employer is a published organisation: it is public.
    others = set(
        Organisation.objects.public().exclude(pk=organisation.pk).values_list("name", flat=True)
    )
    assert (
        names
        == {
            "Buurthuis Korenmarkt",
            "Breicafé",
            "Ochtendwandeling",
            "Taalcafé online",
            "Belronde",
        }
        | others
    )
    hidden = Activity.objects.get(title="Nog een kladversie")
    assert _get(client, f"services/{hidden.uuid}").status_code == 404
    draft = Organisation.objects.get(name="Geheim Concept")
    for path in (
        f"organizations/{draft.uuid}",
        f"services/{draft.service_uuid}",
        f"service_at_locations/{draft.service_at_location_uuid}",
    ):
        assert _get(client, path).status_code == 404


def test_an_organisation_that_stops_publishing_disappears(client, listings):
    organisation = listings["organisation"]
    Organisation.objects.filter(pk=organisation.pk).update(status=Organisation.Status.ARCHIVED)
    assert _get(client, "services", organization_id=str(organisation.uuid)).json()["empty"]
    assert _get(client, f"organizations/{organisation.uuid}").status_code == 404
    assert _get(client, f"services/{listings['weekly'].uuid}").status_code == 404


# --- Parameters ------------------------------------------------------------------------------


def _ids(items, key="id"):
    return {item[key] for item in items}


def test_filters(client, listings):
    organisation, weekly, daily = listings["organisation"], listings["weekly"], listings["daily"]
    terms = {(t["taxonomy"], t["code"]): t["id"] for t in _every(client, "taxonomy_terms")}

    wheelchair = _every(client, "services", taxonomy_term_id=terms[("Accessibility", "wheelchair")])
    assert _ids(wheelchair) == {str(organisation.service_uuid)}
    alone = _every(
        client, "services", taxonomy_term_id=terms[("Coming for the first time", "come_alone")]
    )
    assert _ids(alone) == {str(weekly.uuid)}
    arabic = _every(client, "services", taxonomy_term_id=terms[("Language spoken", "ar")])
    assert _ids(arabic) == {str(organisation.service_uuid), str(weekly.uuid)}
    categories = _get(client, "taxonomies").json()["contents"]
    category_id = next(t["id"] for t in categories if t["name"] == "Kind of activity")
    assert len(_every(client, "services", taxonomy_id=category_id)) == 4

    assert _ids(_every(client, "services", search="brei")) == {str(weekly.uuid)}
    assert _ids(_every(client, "organizations", search="korenmarkt")) == {str(organisation.uuid)}
    other = OrganisationFactory(name="Sportclub")
    by_organisation = _every(client, "services", organization_id=str(organisation.uuid))
    assert len(by_organisation) == 5
    assert _ids(_every(client, "services", organization_id=str(other.uuid))) == {
        str(other.service_uuid)
    }

    long_ago = timezone.now() - datetime.timedelta(days=400)
    Activity.objects.exclude(pk=weekly.pk).update(updated_at=long_ago)
    Organisation.objects.update(updated_at=long_ago)
    since = (timezone.now() - datetime.timedelta(days=1)).date().isoformat()
    assert _ids(_every(client, "services", modified_after=since)) == {str(weekly.uuid)}
    moment = (timezone.now() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S+00:00")
    assert _ids(_every(client, "services", modified_after=moment)) == {str(weekly.uuid)}
    assert _ids(_every(client, "services", modified_after="2000-01-01T00:00:00Z")) >= {
        str(weekly.uuid),
        str(daily.uuid),
    }


def test_postcode_and_proximity_in_metres(client, listings):
    """The Korenmarkt is the 9000 centre here; Sint-Pietersplein is 1.9 km from it."""
    organisation, daily, online = listings["organisation"], listings["daily"], listings["online"]
    near = _every(client, "service_at_locations", postcode="9000", proximity="500")
    assert str(daily.service_at_location_uuid) not in _ids(near)
    assert str(organisation.service_at_location_uuid) in _ids(near)
    assert str(online.service_at_location_uuid) not in _ids(near)  # online has no point
    wide = _every(client, "service_at_locations", postcode="9000", proximity="2500")
    assert str(daily.service_at_location_uuid) in _ids(wide)
    assert wide[-1]["id"] == str(daily.service_at_location_uuid)  # nearest first
    just = _every(client, "service_at_locations", postcode="9000", proximity="1850")
    assert str(daily.service_at_location_uuid) not in _ids(just)
    just = _every(client, "service_at_locations", postcode="9000", proximity="1950")
    assert str(daily.service_at_location_uuid) in _ids(just)
    # Without proximity: the location's postcode (the online one has none).
    at_postcode = _every(client, "service_at_locations", postcode="9000")
    assert str(daily.service_at_location_uuid) in _ids(at_postcode)
    assert str(online.service_at_location_uuid) not in _ids(at_postcode)
    assert _every(client, "service_at_locations", postcode="1000") == []


def test_pages_are_bounded(client, listings):
    mine = {"organization_id": str(listings["organisation"].uuid)}
    page = _get(client, "services", per_page=2, page=2, **mine).json()
    assert {k: v for k, v in page.items() if k != "contents"} == {
        "total_items": 5,
        "total_pages": 3,
        "page_number": 2,
        "size": 2,
        "first_page": False,
        "last_page": False,
        "empty": False,
    }
    beyond = _get(client, "services", per_page=2, page=9, **mine).json()
    assert (beyond["size"], beyond["contents"], beyond["last_page"]) == (0, [], True)
    assert _get(client, "services", per_page=101).status_code == 400
    assert _get(client, "taxonomy_terms").json()["size"] == 25  # the default
    assert len(_get(client, "taxonomy_terms", per_page=100).json()["contents"]) <= 100


@pytest.mark.parametrize(
    ("path", "query", "parameter"),
    [
        ("services", {"modified_after": "last week"}, "modified_after"),
        ("services", {"modified_after": "2026-02-30"}, "modified_after"),
        ("services", {"modified_after": "2026-13-01T10:00:00Z"}, "modified_after"),
        ("services", {"page": "0"}, "page"),
        ("services", {"per_page": "many"}, "per_page"),
        ("services", {"per_page": "1000"}, "per_page"),
        ("services", {"format": "xml"}, "format"),
        ("services", {"taxonomy_term_id": "wheelchair"}, "taxonomy_term_id"),
        ("services", {"taxonomy_term_id": str(uuid.uuid4())}, "taxonomy_term_id"),
        ("services", {"organization_id": "42"}, "organization_id"),
        ("service_at_locations", {"proximity": "500"}, "proximity"),
        ("service_at_locations", {"postcode": "9000", "proximity": "-3"}, "proximity"),
        ("service_at_locations", {"postcode": "9000", "proximity": "nan"}, "proximity"),
        ("service_at_locations", {"postcode": "0001", "proximity": "500"}, "postcode"),
        ("organizations", {"search": "x" * 201}, "search"),
        ("taxonomy_terms", {"taxonomy_id": "nope"}, "taxonomy_id"),
    ],
)
def test_bad_parameters_are_a_clear_400(client, listings, path, query, parameter):
    answer = _get(client, path, **query)
    assert answer.status_code == 400
    body = answer.json()
    assert list(body["errors"]) == [parameter]
    assert parameter in body["detail"]


NASTY = ["", " ", "\x00", "%", "ü" * 300, "-1", "0", "1e309", "inf", "nan", "99999999999999999999"]


@pytest.mark.parametrize(
    "path", ["services", "service_at_locations", "organizations", "taxonomies", "taxonomy_terms"]
)
def test_no_value_of_any_parameter_breaks_a_list(client, listings, path):
    """Every parameter with odd values (NUL, overflow, not a number, long text): a 200 or a
    400 that names it, never a 500."""
    names = [
        "search",
        "page",
        "per_page",
        "format",
        "taxonomy_term_id",
        "taxonomy_id",
        "organization_id",
        "modified_after",
        "postcode",
        "proximity",
        "parent_id",
        "top_only",
    ]
    for name in names:
        for value in NASTY:
            query = {name: value}
            if name == "proximity":
                query["postcode"] = "9000"
            answer = _get(client, path, **query)
            assert answer.status_code in (200, 400), (name, value, answer.status_code)
            if answer.status_code == 400:
                assert set(answer.json()["errors"]) <= {name, "postcode"}, (name, value)


def test_the_reasons_speak_the_readers_language(client, listings):
    french = client.get(
        ROOT + "services", {"modified_after": "hier"}, HTTP_ACCEPT_LANGUAGE="fr"
    ).json()
    assert french["errors"]["modified_after"] == [
        "modified_after doit être une date et une heure ISO 8601, par exemple "
        "2026-01-31T12:00:00Z, ou une date comme 2026-01-31."
    ]
    dutch = client.get(ROOT + "taxonomies", HTTP_ACCEPT_LANGUAGE="nl").json()
    assert "Soort organisatie" in {t["name"] for t in dutch["contents"]}


def test_unknown_ids_are_404(client, listings):
    for path in DETAILS:
        assert _get(client, f"{path}/{uuid.uuid4()}").status_code == 404
        assert _get(client, f"{path}/not-a-uuid").status_code == 404


def test_a_page_reads_a_fixed_number_of_queries(client, listings):
    """No query per row: a page grown by 7 activities costs the same queries."""
    with CaptureQueriesContext(connection) as few:
        before = _get(client, "service_at_locations", per_page=50).json()["total_items"]
    for number in range(7):
        ActivityFactory(organisation=listings["organisation"], title=f"Extra {number}")
    with CaptureQueriesContext(connection) as more:
        body = _get(client, "service_at_locations", per_page=50).json()
    assert body["total_items"] == before + 7
    assert len(more.captured_queries) == len(few.captured_queries)


# --- OpenAPI ---------------------------------------------------------------------------------


def test_the_endpoints_are_in_our_openapi_document(client):
    served = client.get(reverse("api-schema"), {"format": "json"}).json()
    operations = {
        path: spec["get"]["operationId"]
        for path, spec in served["paths"].items()
        if path.startswith(ROOT)
    }
    assert operations == {
        "/api/hsds/": "getAPIMetaInformation",
        "/api/hsds/services": "getPaginatedListOfServices",
        "/api/hsds/services/{id}": "getFullyNestedServiceById",
        "/api/hsds/organizations": "getPaginatedListOfOrganizations",
        "/api/hsds/organizations/{id}": "getOrganizationById",
        "/api/hsds/service_at_locations": "getPaginatedListOfServiceAtLocation",
        "/api/hsds/service_at_locations/{id}": "getServiceAtLocationWithNestedDataById",
        "/api/hsds/taxonomies": "getPaginatedListOfTaxonomies",
        "/api/hsds/taxonomies/{id}": "getTaxonomyById",
        "/api/hsds/taxonomy_terms": "getPaginatedListOfTaxonomyTerms",
        "/api/hsds/taxonomy_terms/{id}": "getTaxonomyTermById",
    }
    places = served["paths"]["/api/hsds/service_at_locations"]["get"]
    parameters = {p["name"]: p["schema"] for p in places["parameters"]}
    assert set(parameters) >= {
        "search",
        "page",
        "per_page",
        "format",
        "taxonomy_term_id",
        "taxonomy_id",
        "organization_id",
        "modified_after",
        "postcode",
        "proximity",
    }
    for path in operations:  # throttled like the rest of the API
        assert "429" in served["paths"][path]["get"]["responses"], path
    assert parameters["per_page"]["maximum"] == 100
    assert parameters["proximity"]["maximum"] == 10_000
    assert set(places["responses"]["200"]["content"]) == {
        "application/json",
        "application/x-ndjson",
    }
