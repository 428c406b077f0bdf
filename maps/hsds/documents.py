"""HSDS 3.0 objects (dicts) from our rows, in the shapes of the specification's compiled
schemas (tests/standards/hsds-3.0/schema/compiled/; the suite validates every answer).

Identifiers: organisations and activities store theirs (buurt.models.Organisation.uuid and
friends, activities.models.Activity.uuid, ...). The parts that are not rows of their own (an
address, a phone, a language, a schedule, an attribute) get uuid5(<stored id of their owner>,
"<role>"): the same on every request and release, as long as the owner keeps its id.

An optional field with no value is left out rather than sent empty or null: the schemas type
each field as a string or a number, and "" is no e-mail address or URI.
"""

from __future__ import annotations

import datetime
import re
import uuid
import zoneinfo

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from activities.models import Activity
from buurt import flags
from buurt.models import Organisation

from .taxonomy import (
    ACTIVITY,
    LANGUAGE,
    ORGANISATION,
    TAXONOMIES,
    VERSION,
    Taxonomy,
    Term,
    code_list_terms,
    language_term,
)

HSDS_VERSION = "3.0"
PROFILE_URL = "https://docs.openreferral.org/en/v3.0/"


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _id(owner: uuid.UUID, role: str) -> str:
    return str(uuid.uuid5(owner, role))


def _clean(document: dict, *, keep: tuple[str, ...] = ()) -> dict:
    """Without the optional fields that have no value (None, "", [])."""
    return {
        key: value for key, value in document.items() if key in keep or value not in (None, "", [])
    }


# --- Taxonomy ---------------------------------------------------------------------------------


def taxonomy_document(taxonomy: Taxonomy) -> dict:
    return {
        "id": str(taxonomy.id),
        "name": str(taxonomy.name),
        "description": str(taxonomy.description),
        "uri": absolute(reverse("hsds:taxonomy-detail", args=[taxonomy.id])),
        "version": VERSION,
    }


def term_document(term: Term) -> dict:
    return {
        "id": str(term.id),
        "code": term.code,
        "name": str(term.name),
        "description": f"{term.taxonomy.name}: {term.name}",
        "taxonomy": str(term.taxonomy.name),
        "taxonomy_detail": taxonomy_document(term.taxonomy),
        "language": get_language() or settings.LANGUAGE_CODE,
        "taxonomy_id": str(term.taxonomy.id),
        "term_uri": absolute(reverse("hsds:taxonomy-term-detail", args=[term.id])),
    }


def _related_codes(row) -> dict[str, set[str]]:
    return {
        "languages": {language.code for language in row.languages.all()},
        "network_models": {model.code for model in row.network_models.all()},
    }


def terms_of(row, kind: str, *, taxonomies: tuple[Taxonomy, ...] = TAXONOMIES) -> list[Term]:
    """The terms a row carries, from what was prefetched (no query)."""
    related = _related_codes(row)
    terms = [term for term in code_list_terms() if term.taxonomy in taxonomies]
    if LANGUAGE in taxonomies:
        terms += [language_term(language) for language in row.languages.all()]
    return [term for term in terms if term.carried_by(row, kind, related_codes=related)]


def attributes(link_id: uuid.UUID, link_entity: str, terms: list[Term]) -> list[dict]:
    return [
        {
            "id": _id(link_id, f"attribute/{term.id}"),
            "link_id": str(link_id),
            "link_entity": link_entity,
            "taxonomy_term_id": str(term.id),
            "taxonomy_term": term_document(term),
        }
        for term in terms
    ]


def _languages(row, owner: uuid.UUID, owner_field: str) -> list[dict]:
    return [
        {
            "id": _id(owner, f"language/{language.code}"),
            owner_field: str(owner),
            "name": language.name_local,
            "code": language.code,
        }
        for language in row.languages.all()
    ]


def _phones(number: str, owner: uuid.UUID, owner_field: str) -> list[dict]:
    if not number:
        return []
    return [{"id": _id(owner, "phone"), owner_field: str(owner), "number": number}]


# --- Places -----------------------------------------------------------------------------------

# Belgian provinces by postcode (bpost's ranges), as ISO 3166-2 codes: language-neutral.
_BE_PROVINCES = [
    (1000, 1299, "BE-BRU"),
    (1300, 1499, "BE-WBR"),
    (1500, 1999, "BE-VBR"),
    (2000, 2999, "BE-VAN"),
    (3000, 3499, "BE-VBR"),
    (3500, 3999, "BE-VLI"),
    (4000, 4999, "BE-WLG"),
    (5000, 5999, "BE-WNA"),
    (6000, 6599, "BE-WHT"),
    (6600, 6999, "BE-WLX"),
    (7000, 7999, "BE-WHT"),
    (8000, 8999, "BE-VWV"),
    (9000, 9999, "BE-VOV"),
]
_NL_POSTCODE = re.compile(r"^\d{4}\s?[A-Za-z]{2}$")


def country_and_province(postcode: str) -> tuple[str, str]:
    """ISO 3166 country and (in Belgium) province of a postcode: Dutch ones have two
    letters ("9711 LM"), Belgian ones four digits. ("", "") when neither."""
    postcode = postcode.strip()
    if _NL_POSTCODE.match(postcode):
        return "NL", ""
    if postcode.isdigit() and len(postcode) == 4:
        number = int(postcode)
        province = next((code for low, high, code in _BE_PROVINCES if low <= number <= high), "")
        return "BE", province
    return "", ""


def _address(row, location_id: uuid.UUID) -> list[dict]:
    if not (row.street_address or row.postcode or row.city):
        return []
    country, province = country_and_province(row.postcode)
    return [
        {
            "id": _id(location_id, "address"),
            "location_id": str(location_id),
            "address_1": row.street_address,
            "city": row.city,
            "state_province": province,
            "postal_code": row.postcode,
            "country": country,
            "address_type": "physical",
        }
    ]


def _coordinates(point) -> dict:
    if point is None:
        return {}
    return {"latitude": round(point.y, 6), "longitude": round(point.x, 6)}


def _accessibility(row, location_id: uuid.UUID) -> list[dict]:
    return [
        {
            "id": _id(location_id, f"accessibility/{flag.code}"),
            "location_id": str(location_id),
            "description": str(flag.filter_label or flag.label),
        }
        for flag in flags.ACCESSIBILITY
        if getattr(row, flag.field)
    ]


def organisation_location(organisation: Organisation, *, full: bool) -> dict:
    location_id = organisation.location_uuid
    document = {
        "id": str(location_id),
        "location_type": "physical",
        "url": absolute(organisation.get_absolute_url()),
        "organization_id": str(organisation.uuid),
        "name": organisation.name,
        **_coordinates(organisation.point),
    }
    if full:
        document |= {
            "languages": _languages(organisation, location_id, "location_id"),
            "addresses": _address(organisation, location_id),
            "accessibility": _accessibility(organisation, location_id),
            "schedules": _opening_hours(organisation, location_id, "location_id"),
        }
    return _clean(document)


def activity_location(activity: Activity, *, full: bool) -> dict:
    """Where the activity takes place: its organisation's location, another address, or a
    virtual one online."""
    if activity.venue == Activity.Venue.ORGANISATION:
        return organisation_location(activity.organisation, full=full)
    location_id = activity.location_uuid
    document = {
        "id": str(location_id),
        "location_type": "virtual" if activity.venue == Activity.Venue.ONLINE else "physical",
        "url": absolute(activity.get_absolute_url()),
        "organization_id": str(activity.organisation.uuid),
        "name": _("Online") if activity.venue == Activity.Venue.ONLINE else activity.title,
        **_coordinates(activity.point),
    }
    if full:
        document |= {
            "addresses": _address(activity, location_id),
            "accessibility": _accessibility(activity, location_id),
        }
    return _clean(document)


def location_id_of(kind: str, row) -> uuid.UUID:
    if kind == ORGANISATION or row.venue == Activity.Venue.ORGANISATION:
        organisation = row if kind == ORGANISATION else row.organisation
        return organisation.location_uuid
    return row.location_uuid


# --- Schedules --------------------------------------------------------------------------------


def _opening_hours(organisation: Organisation, owner: uuid.UUID, owner_field: str) -> list[dict]:
    if not organisation.opening_hours.strip():
        return []
    return [
        {
            "id": _id(owner, "opening-hours"),
            owner_field: str(owner),
            "description": organisation.opening_hours.strip(),
        }
    ]


# RFC 5545 parts that HSDS schedules carry as fields of their own, and their types there.
_RULE_TEXT_PARTS = {
    "BYDAY": "byday",
    "BYWEEKNO": "byweekno",
    "BYMONTHDAY": "bymonthday",
    "BYYEARDAY": "byyearday",
    "WKST": "wkst",
}
_RULE_NUMBER_PARTS = {"INTERVAL": "interval", "COUNT": "count"}
HSDS_FREQUENCIES = {"WEEKLY", "MONTHLY"}  # the schema's enum: others go in notes only


def rule_parts(rule: str) -> dict[str, str]:
    """{"FREQ": "WEEKLY", "BYDAY": "TU", ...} of an RFC 5545 RRULE value."""
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = {}
    for item in text.split(";"):
        name, _sep, value = item.partition("=")
        if name and value:
            parts[name.strip().upper()] = value.strip().upper()
    return parts


def _until_date(value: str, zone: zoneinfo.ZoneInfo) -> str:
    """UNTIL (a date, or a date-time, in UTC when it ends with Z) as a local date."""
    if len(value) == 8:
        return f"{value[:4]}-{value[4:6]}-{value[6:]}"
    moment = datetime.datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    if value.endswith("Z"):
        moment = moment.replace(tzinfo=datetime.UTC).astimezone(zone)
    return moment.date().isoformat()


def activity_schedules(activity: Activity) -> list[dict]:
    """The activity's dates as HSDS schedules: its first date with its RFC 5545 rule split
    into freq/byday/interval/... (the whole rule, exception dates and dates cancelled one by
    one also in `notes`, as RRULE and EXDATE lines), and one schedule per extra date."""
    zone = zoneinfo.ZoneInfo(activity.time_zone)
    start = activity.starts_at.astimezone(zone)
    end = activity.ends_at.astimezone(zone)
    offset = start.utcoffset() or datetime.timedelta()
    base = {
        "service_id": str(activity.uuid),
        "dtstart": start.date().isoformat(),
        "timezone": offset.total_seconds() / 3600,
        "opens_at": start.time().replace(microsecond=0).isoformat(),
        "closes_at": end.time().replace(microsecond=0).isoformat(),
        "attending_type": str(activity.get_venue_display()),
    }
    main = {"id": _id(activity.uuid, "schedule"), **base, "valid_from": base["dtstart"]}
    notes = []
    if activity.rrule:
        parts = rule_parts(activity.rrule)
        if parts.get("FREQ") in HSDS_FREQUENCIES:
            main["freq"] = parts["FREQ"]
        for name, field in _RULE_TEXT_PARTS.items():
            if name in parts:
                main[field] = parts[name]
        for name, field in _RULE_NUMBER_PARTS.items():
            if parts.get(name, "").isdigit():
                main[field] = int(parts[name])
        if "UNTIL" in parts:
            main["until"] = main["valid_to"] = _until_date(parts["UNTIL"], zone)
        notes.append("RRULE:" + ";".join(f"{k}={v}" for k, v in parts.items()))
    else:
        main["valid_to"] = base["dtstart"]
    skipped = sorted(
        {datetime.date.fromisoformat(day) for day in activity.exception_dates}
        | {
            occurrence.starts_at.astimezone(zone).date()
            for occurrence in getattr(activity, "cancelled_occurrences", [])
        }
    )
    if skipped:
        notes.append("EXDATE;VALUE=DATE:" + ",".join(day.strftime("%Y%m%d") for day in skipped))
    if notes:
        main["notes"] = "\n".join(notes)
    schedules = [main]
    for day in sorted(activity.extra_dates):
        schedules.append(
            {
                "id": _id(activity.uuid, f"schedule/{day}"),
                **base,
                "dtstart": day,
                "valid_from": day,
                "valid_to": day,
            }
        )
    return schedules


# --- Organisations and services ---------------------------------------------------------------


def organisation_basic(organisation: Organisation) -> dict:
    """The one-to-one fields (compiled/organization_list.json)."""
    return _clean(
        {
            "id": str(organisation.uuid),
            "name": organisation.name,
            "description": organisation.description,
            "email": organisation.email,
            "website": organisation.website,
            "logo": absolute(organisation.logo.url) if organisation.logo else "",
            "uri": absolute(organisation.get_absolute_url()),
        },
        keep=("description",),
    )


def _organisation_service_basic(organisation: Organisation) -> dict:
    return _clean(
        {
            "id": str(organisation.service_uuid),
            "organization_id": str(organisation.uuid),
            "name": organisation.name,
            "description": organisation.description,
            "url": absolute(organisation.get_absolute_url()),
            "email": organisation.email,
            "status": "active",
            "fees_description": str(organisation.get_cost_display()),
            # When a person (a member, a moderator) or an import last confirmed the listing.
            "assured_date": organisation.assured_on.isoformat(),
            "last_modified": organisation.updated_at.isoformat(),
        }
    )


def _activity_service_basic(activity: Activity) -> dict:
    fit = [str(activity.get_age_group_display()), str(activity.get_audience_display())]
    return _clean(
        {
            "id": str(activity.uuid),
            "organization_id": str(activity.organisation.uuid),
            "name": activity.title,
            "description": activity.description,
            "url": absolute(activity.get_absolute_url()),
            "email": activity.contact_email,
            "status": "active",
            "fees_description": str(activity.get_cost_display()),
            "eligibility_description": " · ".join(fit),
            "last_modified": activity.updated_at.isoformat(),
        }
    )


def service_basic(kind: str, row) -> dict:
    if kind == ORGANISATION:
        return _organisation_service_basic(row)
    return _activity_service_basic(row)


def service_list_item(kind: str, row) -> dict:
    """compiled/service_list.json: one-to-one fields and the organization's."""
    organisation = row if kind == ORGANISATION else row.organisation
    return service_basic(kind, row) | {"organization": organisation_basic(organisation)}


def _cost_options(kind: str, row, service_id: uuid.UUID) -> list[dict]:
    option: dict[str, str | float] = {
        "id": _id(service_id, "cost"),
        "service_id": str(service_id),
        "option": str(row.get_cost_display()),
    }
    if kind == ACTIVITY and row.price is not None:
        option |= {"amount": float(row.price), "currency": "EUR"}
    return [option]


def service_full(kind: str, row, *, with_places: bool = True) -> dict:
    """compiled/service.json: a service with its phones, schedules, languages, cost,
    attributes (our taxonomy) and, `with_places`, its service at its location."""
    organisation = row if kind == ORGANISATION else row.organisation
    service_id = organisation.service_uuid if kind == ORGANISATION else row.uuid
    phone = organisation.phone if kind == ORGANISATION else row.contact_phone
    schedules = (
        _opening_hours(row, service_id, "service_id")
        if kind == ORGANISATION
        else activity_schedules(row)
    )
    document = service_list_item(kind, row) | {
        "phones": _phones(phone, service_id, "service_id"),
        "schedules": schedules,
        "languages": _languages(row, service_id, "service_id"),
        "cost_options": _cost_options(kind, row, service_id),
        "attributes": attributes(service_id, "service", terms_of(row, kind)),
    }
    if with_places:
        place = service_at_location_nested(kind, row)
        document["service_at_locations"] = [place] if place else []
    return _clean(document)


def has_location(kind: str, row) -> bool:
    if kind == ORGANISATION:
        return row.point is not None or bool(row.street_address)
    if row.venue == Activity.Venue.ORGANISATION:
        return has_location(ORGANISATION, row.organisation)
    return row.venue in (Activity.Venue.ADDRESS, Activity.Venue.ONLINE)


def _service_at_location_ids(kind: str, row) -> dict:
    return {
        "id": str(row.service_at_location_uuid),
        "service_id": str(row.service_uuid if kind == ORGANISATION else row.uuid),
        "location_id": str(location_id_of(kind, row)),
    }


def _location(kind: str, row, *, full: bool) -> dict:
    if kind == ORGANISATION:
        return organisation_location(row, full=full)
    return activity_location(row, full=full)


def service_at_location_nested(kind: str, row) -> dict | None:
    """The item of a service's `service_at_locations`, with its full location."""
    if not has_location(kind, row):
        return None
    return _service_at_location_ids(kind, row) | {"location": _location(kind, row, full=True)}


def service_at_location_list_item(kind: str, row) -> dict:
    """compiled/service_at_location_list.json: ids, the location's and the service's
    one-to-one fields."""
    return _service_at_location_ids(kind, row) | {
        "location": _location(kind, row, full=False),
        "service": service_list_item(kind, row),
    }


def service_at_location_full(kind: str, row) -> dict:
    """compiled/service_at_location.json."""
    return _service_at_location_ids(kind, row) | {
        "location": _location(kind, row, full=True),
        "service": service_full(kind, row, with_places=False),
    }


def organisation_full(organisation: Organisation, activities, *, full_service: bool) -> dict:
    """compiled/organization.json: the organisation with its phones, location, attributes
    (kind, network-strengthening models) and services (its general offer, then its
    activities): with their one-to-one fields, or fully with `full_service`."""
    services = [(ORGANISATION, organisation), *((ACTIVITY, a) for a in activities)]
    render = service_full if full_service else service_basic
    organisation_terms = [
        term
        for term in terms_of(organisation, ORGANISATION)
        if term.taxonomy.code in ("organisation-kind", "network-model")
    ]
    locations = (
        [organisation_location(organisation, full=True)]
        if has_location(ORGANISATION, organisation)
        else []
    )
    return _clean(
        organisation_basic(organisation)
        | {
            "phones": _phones(organisation.phone, organisation.uuid, "organization_id"),
            "locations": locations,
            "attributes": attributes(organisation.uuid, "organization", organisation_terms),
            "services": [render(kind, row) for kind, row in services],
        },
        keep=("description",),
    )


def api_root() -> dict:
    return {
        "version": HSDS_VERSION,
        "profile": PROFILE_URL,
        "openapi_url": absolute(reverse("api-schema")),
        "publisher": {"name": "Buurtkaart", "url": absolute("/")},
    }
