"""The HSDS API's query parameters, parsed: a bad value is a ParameterError with a reason per
parameter (a 400), never a 500 and never silently ignored."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from spatial import MAX_RADIUS_M

from . import selectors
from .taxonomy import Term, all_terms

DEFAULT_PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
MAX_SEARCH = 200
FORMATS = ("json", "ndjson")


class ParameterError(Exception):
    def __init__(self, errors: dict[str, str]):
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Paging:
    page: int = 1
    per_page: int = DEFAULT_PER_PAGE
    ndjson: bool = False


def _integer(query, name: str, *, default: int, low: int, high: int, errors: dict) -> int:
    raw = query.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        errors[name] = _("%(name)s must be a whole number from %(low)d to %(high)d.") % {
            "name": name,
            "low": low,
            "high": high,
        }
        return default
    return value


def paging(query) -> Paging:
    errors: dict[str, str] = {}
    page = _integer(query, "page", default=1, low=1, high=MAX_PAGE, errors=errors)
    per_page = _integer(
        query, "per_page", default=DEFAULT_PER_PAGE, low=1, high=MAX_PER_PAGE, errors=errors
    )
    answer_format = query.get("format", "json").strip().lower() or "json"
    if answer_format not in FORMATS:
        errors["format"] = _("format must be json or ndjson.")
    if errors:
        raise ParameterError(errors)
    return Paging(page=page, per_page=per_page, ndjson=answer_format == "ndjson")


def identifier(raw: str) -> uuid.UUID | None:
    """A UUID in any of its usual spellings, or None."""
    try:
        return uuid.UUID(raw.strip())
    except (ValueError, AttributeError):
        return None


def _uuid_parameter(query, name: str, errors: dict) -> uuid.UUID | None:
    raw = query.get(name, "").strip()
    if not raw:
        return None
    value = identifier(raw)
    if value is None:
        errors[name] = _("%(name)s must be a UUID.") % {"name": name}
    return value


def modified_after(raw: str) -> datetime.datetime | None:
    """An ISO 8601 date and time (a time without offset is Brussels time), or a date (its
    first moment); None if it is neither."""
    raw = raw.strip().replace(" ", "+")  # a "+01:00" offset in a URL arrives as " 01:00"
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            moment = datetime.datetime.combine(day, datetime.time()) if day else None
    except ValueError:  # well formed, but no such date (2026-02-30)
        return None
    if moment is None:
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def terms_filter(query, errors: dict) -> tuple[Term, ...]:
    """The terms of `taxonomy_term_id` (one), or of `taxonomy_id` (all of that taxonomy)."""
    term_id = _uuid_parameter(query, "taxonomy_term_id", errors)
    taxonomy_id = _uuid_parameter(query, "taxonomy_id", errors)
    if not (term_id or taxonomy_id):
        return ()
    terms = all_terms()
    if term_id:
        found = tuple(term for term in terms if term.id == term_id)
        if not found:
            errors["taxonomy_term_id"] = _("There is no taxonomy term with this id.")
        return found
    found = tuple(term for term in terms if term.taxonomy.id == taxonomy_id)
    if not found:
        errors["taxonomy_id"] = _("There is no taxonomy with this id.")
    return found


def hsds_filter(query, *, places: bool = False) -> selectors.HsdsFilter:
    """search, taxonomy_term_id, taxonomy_id, organization_id, modified_after and, with
    `places` (service_at_locations), postcode and proximity (metres)."""
    errors: dict[str, str] = {}
    search = query.get("search", "").strip()
    if len(search) > MAX_SEARCH or "\x00" in search:
        errors["search"] = _("search is at most %(max)d characters.") % {"max": MAX_SEARCH}
        search = ""
    terms = terms_filter(query, errors)
    organisation_uuid = _uuid_parameter(query, "organization_id", errors)
    after = None
    if query.get("modified_after", "").strip():
        after = modified_after(query["modified_after"])
        if after is None:
            errors["modified_after"] = _(
                "modified_after must be an ISO 8601 date and time, for example "
                "2026-01-31T12:00:00Z, or a date such as 2026-01-31."
            )
    postcode, near = "", None
    if places:
        postcode = query.get("postcode", "").strip().upper()
        if len(postcode) > 10 or "\x00" in postcode:
            errors["postcode"] = _("This is not a postcode.")
            postcode = ""
        near = _proximity(query, postcode, errors)
    if errors:
        raise ParameterError(errors)
    return selectors.HsdsFilter(
        search=search,
        terms=terms,
        organisation_uuid=organisation_uuid,
        modified_after=after,
        postcode=postcode,
        near=near,
    )


def _proximity(query, postcode: str, errors: dict) -> selectors.Near | None:
    raw = query.get("proximity", "").strip()
    if not raw:
        return None
    try:
        meters = float(raw)
    except ValueError:
        meters = -1.0
    if not 1 <= meters <= MAX_RADIUS_M:  # also NaN
        errors["proximity"] = _("proximity is a distance in metres from 1 to %(max)d.") % {
            "max": MAX_RADIUS_M
        }
        return None
    if not postcode:
        errors["proximity"] = _("proximity needs a postcode to measure from.")
        return None
    centre = selectors.postcode_centre(postcode)
    if centre is None:
        errors["postcode"] = _("We do not know this postcode.")
        return None
    return selectors.Near(point=centre, meters=meters)


def full_service(query) -> bool:
    raw = query.get("full_service", "").strip().lower()
    if raw in ("", "false", "0", "no"):
        return False
    if raw in ("true", "1", "yes"):
        return True
    raise ParameterError({"full_service": _("full_service must be true or false.")})
