"""The configured chain of geocoders (settings.GEOCODER_CHAIN) and the input rules.

Local first: the address register, then the postcode centres, then remote services if the
chain names them. The chain stops as soon as a backend reaches the best precision the query
can have (an address when a house number was typed, a street when only a street was).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable

from django.conf import settings
from django.utils.translation import gettext as _

from buurt.models import Precision

from . import gazetteer, postcodes, remote
from .candidates import PRECISION_RANK, Candidate, GeocodeInputError, GeocoderUnavailable, ranked
from .normalise import ParsedQuery

logger = logging.getLogger(__name__)

MAX_LENGTH = 200
# Besides letters, digits and spaces, addresses need only these.
ALLOWED_PUNCTUATION = set(",.-/'’()&")

Backend = Callable[..., list[Candidate]]
BACKENDS: dict[str, Backend] = {
    "gazetteer": gazetteer.geocode,
    "postcode": postcodes.geocode,
    "nominatim": remote.nominatim,
    "photon": remote.photon,
    "basisregisters": remote.basisregisters,
    "pdok": remote.pdok,
}
LOCAL_BACKENDS = ("gazetteer", "postcode")


def clean_query(text) -> str:
    """The text with spaces collapsed, or GeocodeInputError with a message for the user."""
    text = " ".join(str(text or "").split())
    if not text:
        raise GeocodeInputError(_("Type an address, a street or a postcode."))
    if len(text) > MAX_LENGTH:
        raise GeocodeInputError(
            _("An address is at most %(max)d characters long.") % {"max": MAX_LENGTH}
        )
    for char in text:
        category = unicodedata.category(char)
        if not (category[0] in "LNM" or char == " " or char in ALLOWED_PUNCTUATION):
            raise GeocodeInputError(
                _("An address has only letters, numbers, spaces and , . - / ' ( ) &.")
            )
    return text


def parse_checked(text) -> ParsedQuery:
    """Clean and parse a query; GeocodeInputError when it cannot name a place."""
    parsed = gazetteer.parse(clean_query(text))
    if parsed.only_house_number:
        raise GeocodeInputError(_("Add the street or the postcode to the house number."))
    if not (parsed.street_key or parsed.place_key or parsed.postcode):
        raise GeocodeInputError(_("Type an address, a street or a postcode."))
    return parsed


def best_possible(parsed: ParsedQuery) -> str:
    if parsed.street_key and parsed.house_number:
        return Precision.ADDRESS
    if parsed.street_key:
        return Precision.STREET
    if parsed.postcode:
        return Precision.POSTCODE
    return Precision.MUNICIPALITY


# A URL's query string in an error message ("... for url: https://...?q=Dam+1+..."): it holds
# what was typed, often a client's address, which no log may keep.
_QUERY = re.compile(r"\?[^\s'\")]*")


def _without_query(message: str) -> str:
    return _QUERY.sub("?…", message)


def geocode(
    text, *, limit: int = 5, chain: list[str] | None = None, remember: bool = True
) -> list[Candidate]:
    """Candidates for free text, best first. The one entry point for geocoding.

    `remember=False` for an address that must not be stored (a search, often a client's
    address): remote answers are not written to the cache for it.
    Raises GeocodeInputError for text that cannot be searched, and GeocoderUnavailable when
    nothing was found and a remote backend of the chain could not be asked (try again later).
    """
    token = remote.REMEMBER.set(remember)
    try:
        return _geocode(text, limit=limit, chain=chain)
    finally:
        remote.REMEMBER.reset(token)


def _geocode(text, *, limit: int, chain: list[str] | None) -> list[Candidate]:
    parsed = parse_checked(text)
    target = PRECISION_RANK[best_possible(parsed)]
    found: list[Candidate] = []
    unavailable: list[str] = []
    for name in chain if chain is not None else settings.GEOCODER_CHAIN:
        try:
            found += BACKENDS[name](parsed, limit=limit)
        except GeocoderUnavailable as exc:
            logger.warning("geocoder %s unavailable: %s", name, _without_query(str(exc)))
            unavailable.append(name)
            continue
        if found and min(PRECISION_RANK[c.precision] for c in found) <= target:
            break
    if not found and unavailable:
        raise GeocoderUnavailable(", ".join(unavailable))
    return ranked(found, limit=limit)


def autocomplete(text, *, limit: int = 8) -> list[Candidate]:
    """Suggestions for a search box: local data only (remote services forbid autocomplete)."""
    parsed = gazetteer.parse(clean_query(text))
    if not (parsed.street_key or parsed.place_key or parsed.postcode or parsed.house_number):
        raise GeocodeInputError(_("Type an address, a street or a postcode."))
    if parsed.street_key:
        found = gazetteer.autocomplete(parsed, limit=limit)
        if found:
            return found
    return postcodes.autocomplete(parsed, limit=limit)


def suggestions(text, *, limit: int = 3) -> list[str]:
    """Labels for "did you mean …?" when a query found nothing; never raises."""
    try:
        parsed = gazetteer.parse(clean_query(text))
    except GeocodeInputError:
        return []
    if not parsed.street_key:
        return [c.label for c in postcodes.autocomplete(parsed, limit=limit)]
    parsed.postcode = parsed.place_key = ""
    parsed.house_number, parsed.number = "", None
    found = gazetteer.autocomplete(parsed, limit=limit)
    if not found and len(parsed.street_key) > 5:
        # Beyond two typos: streets that at least start the same way.
        parsed.street_key = parsed.street_key[:5]
        found = gazetteer.autocomplete(parsed, limit=limit)
    return [c.label for c in found]


def reverse_geocode(point, *, meters: float = 250) -> dict:
    """An EPSG:4326 point -> its neighbourhood (point-in-polygon) and the nearest address
    within `meters` metres (None when there is none), with the distance in metres."""
    from buurt.models import Neighbourhood

    nearest = gazetteer.nearest_address(point, meters=meters)
    return {
        "neighbourhood": Neighbourhood.objects.containing(point).first(),
        "address": gazetteer.address_label(nearest[0]) if nearest else None,
        "address_point": nearest[0].point if nearest else None,
        "distance_m": round(nearest[1], 1) if nearest else None,
    }
