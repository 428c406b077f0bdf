"""The local matcher: free text -> streets and addresses of the imported address register.

Streets are found by key (see normalise.py): exactly, by prefix (b-tree index on both
backends), then with typos. Typo candidates are every street of about the right length in the
postcode or town typed; without one, those spatial.similar_text_candidates finds with the
backend's index (the most similar by pg_trgm on PostGIS, those holding a pigeonhole piece of
the key elsewhere: normalise.fuzzy_fragments). Either way the typing distance is then checked
in Python, so both backends accept the same typos.
"""

from __future__ import annotations

import functools

from django.contrib.gis.geos import Point
from django.db.models import F, Func, Q
from django.db.models.functions import Length

import spatial
from buurt.models import Address, PostcodeCentroid, Precision, Street

from .candidates import Candidate, ranked
from .normalise import (
    ParsedQuery,
    allowed_edits,
    edit_distance,
    fuzzy_fragments,
    parse_query,
    street_key,
)

SOURCE = "gazetteer"
STREET_CANDIDATES = 12
FUZZY_CANDIDATES = 40
MAX_FRAGMENT_ROWS = 5000


def is_place(key: str) -> bool:
    """Whether a key is a known municipality or postal name (postcode table, small)."""
    return bool(key) and PostcodeCentroid.objects.filter(place_keys__contains=f" {key} ").exists()


def parse(text: str) -> ParsedQuery:
    memo: dict[str, bool] = {}

    def known_place(key: str) -> bool:
        if key not in memo:
            memo[key] = is_place(key)
        return memo[key]

    return parse_query(text, is_place=known_place)


# --- streets ------------------------------------------------------------------------------


class StreetMatch:
    """A street found for a query, how well its name matched and in which language."""

    def __init__(self, street: Street, quality: float, *, alt: bool):
        self.street = street
        self.quality = quality
        self.alt = alt

    @property
    def name(self) -> str:
        return self.street.name_alt if self.alt else self.street.name

    @property
    def municipality(self) -> str:
        if self.alt and self.street.municipality_alt:
            return self.street.municipality_alt
        return self.street.municipality


def _scope(parsed: ParsedQuery) -> Q | None:
    if parsed.postcode:
        return Q(postcode=parsed.postcode)
    if parsed.place_key:
        return Q(place_keys__contains=f" {parsed.place_key} ")
    return None


def _scope_factor(street: Street, parsed: ParsedQuery) -> float:
    """How well a street fits the postcode or place typed with it."""
    factor = 1.0
    if parsed.postcode:
        factor *= 1.0 if street.postcode == parsed.postcode else 0.7
    if parsed.place_key:
        keys = street.place_keys.split()  # the postal name first, then the municipality
        if parsed.place_key not in keys:
            factor *= 0.75
        elif parsed.place_key != keys[0] and keys[0] != _key(street.municipality):
            factor *= 0.97  # "Gent" for Mariakerke: the town, which has several postcodes
    if not parsed.postcode and not parsed.place_key:
        factor *= 0.9  # the same street name exists in many towns
    return factor


@functools.lru_cache(maxsize=4096)
def _key(name: str) -> str:
    return street_key(name)


def _match_alt(street: Street, key: str) -> bool:
    """Whether `key` is nearer to the street's other-language name than to its first one."""
    if not street.key_alt:
        return False
    if street.key == key or street.key.startswith(key):
        return False
    if street.key_alt == key or street.key_alt.startswith(key):
        return True
    return edit_distance(key, street.key_alt, limit=5) < edit_distance(key, street.key, limit=5)


def _exact(key: str, scope: Q | None, limit: int) -> list[StreetMatch]:
    queryset = Street.objects.filter(Q(key=key) | Q(key_alt=key))
    if scope is not None:
        queryset = queryset.filter(scope)
    return [StreetMatch(s, 1.0, alt=_match_alt(s, key)) for s in queryset[:limit]]


def _prefix(key: str, scope: Q | None, limit: int) -> list[StreetMatch]:
    # Two index range scans rather than one OR, which PostgreSQL would run as a full scan.
    matches: dict[int, StreetMatch] = {}
    for field in ("key", "key_alt"):
        queryset = Street.objects.filter(**{f"{field}__startswith": key})
        if scope is not None:
            queryset = queryset.filter(scope)
        for street in queryset.annotate(length=Length(field)).order_by("length", "postcode")[
            :limit
        ]:
            extra = len(getattr(street, field)) - len(key)
            quality = max(0.8, 0.97 - 0.004 * extra)
            if street.pk not in matches or matches[street.pk].quality < quality:
                matches[street.pk] = StreetMatch(street, quality, alt=field == "key_alt")
    return sorted(matches.values(), key=lambda m: -m.quality)[:limit]


def _typo_candidates(key: str, scope: Q | None, edits: int) -> list[tuple[int, str, str]]:
    """(pk, key, key_alt) of the streets whose keys may lie within `edits` typos of `key`."""
    if scope is not None:
        # A postcode or a town holds a few hundred streets (thousands in a dense synthetic
        # country): check every one of about the right length, which no similarity threshold
        # can miss. Keys only: whole rows (with their points) for the few that match.
        low, high = len(key) - edits, len(key) + edits
        return list(
            Street.objects.filter(scope)
            .annotate(key_length=Length("key"), key_alt_length=Length("key_alt"))
            .filter(
                Q(key_length__gte=low, key_length__lte=high)
                | Q(key_alt_length__gte=low, key_alt_length__lte=high)
            )
            .values_list("pk", "key", "key_alt")[:MAX_FRAGMENT_ROWS]
        )
    return [
        (street.pk, street.key, street.key_alt)
        for street in spatial.similar_text_candidates(
            Street.objects.only("key", "key_alt"),
            ("key", "key_alt"),
            key,
            fragments=fuzzy_fragments(key, edits=edits),
            per_field=FUZZY_CANDIDATES,
            max_rows=MAX_FRAGMENT_ROWS,
        )
    ]


def _typos(key: str, scope: Q | None, limit: int) -> list[StreetMatch]:
    edits = allowed_edits(key, scoped=scope is not None)
    if not edits:
        return []
    found = []
    for pk, candidate_key, candidate_alt in _typo_candidates(key, scope, edits):
        distances = [(edit_distance(key, candidate_key, limit=edits), False)]
        if candidate_alt:
            distances.append((edit_distance(key, candidate_alt, limit=edits), True))
        distance, alt = min(distances)
        if distance <= edits:
            found.append((pk, 0.9 - 0.08 * distance, alt))
    streets = Street.objects.in_bulk([pk for pk, _, _ in found])
    matches = [StreetMatch(streets[pk], quality, alt=alt) for pk, quality, alt in found]
    return sorted(matches, key=lambda m: -m.quality)[:limit]


def find_streets(
    parsed: ParsedQuery, *, limit: int = STREET_CANDIDATES, prefix: bool = True
) -> list[StreetMatch]:
    """Streets matching the query's street words, best first, scored with its place."""
    key = parsed.street_key
    if not key:
        return []
    scope = _scope(parsed)
    scopes = [scope, None] if scope is not None else [None]
    for current in scopes:
        matches = _exact(key, current, limit)
        if prefix and len(matches) < limit and len(key) >= 3:
            known = {m.street.pk for m in matches}
            matches += [m for m in _prefix(key, current, limit) if m.street.pk not in known]
        if not matches:
            matches = _typos(key, current, limit)
        if matches:
            for match in matches:
                match.quality *= _scope_factor(match.street, parsed)
            return sorted(matches, key=lambda m: (-m.quality, m.street.postcode))[:limit]
    return []


# --- addresses ----------------------------------------------------------------------------


def _label(match: StreetMatch, number: str = "", box: str = "") -> str:
    street = match.street
    text = f"{match.name} {number}".strip()
    if box:
        text += f" {'bte' if match.alt and street.language_alt == 'fr' else 'bus'} {box}"
    return f"{text}, {street.postcode} {match.municipality}"


def _street_candidate(match: StreetMatch, factor: float = 1.0) -> Candidate | None:
    if match.street.point is None:
        return None
    return Candidate(
        point=match.street.point,
        label=_label(match),
        precision=Precision.STREET,
        score=round(match.quality * factor, 4),
        source=SOURCE,
    )


def _address_candidates(parsed: ParsedQuery, matches: list[StreetMatch]) -> list[Candidate]:
    """The typed house number (and box) on each matched street; the street when it has none."""
    by_street = {m.street.pk: m for m in matches}
    wanted = {parsed.house_number}
    if parsed.number is not None:
        wanted.add(str(parsed.number))
    rows = Address.objects.filter(street_id__in=by_street, house_key__in=wanted).only(
        "street_id", "house_number", "house_key", "box", "box_key", "point"
    )
    best: dict[int, tuple[float, Address]] = {}
    for address in rows:
        fit = 1.0
        if address.house_key != parsed.house_number:
            fit *= 0.93  # "12A" typed, only "12" known
        if parsed.box:
            fit *= 1.0 if address.box_key == parsed.box else (0.97 if not address.box_key else 0.9)
        elif address.box_key:
            fit *= 0.98  # a box of the building, where the building itself was asked for
        if address.street_id not in best or best[address.street_id][0] < fit:
            best[address.street_id] = (fit, address)

    candidates = []
    for street_id, match in by_street.items():
        if street_id in best:
            fit, address = best[street_id]
            box = address.box if parsed.box and address.box_key == parsed.box else ""
            candidates.append(
                Candidate(
                    point=address.point,
                    label=_label(match, address.house_number, box),
                    precision=Precision.ADDRESS,
                    score=round(match.quality * fit, 4),
                    source=SOURCE,
                )
            )
    if not candidates and matches:
        # The number is unknown on every street: place it at the nearest known number of
        # the best street, honestly marked as street precision.
        match = matches[0]
        nearest = (
            Address.objects.filter(street_id=match.street.pk, number__isnull=False)
            .annotate(gap=Func(F("number") - parsed.number, function="ABS"))
            .order_by("gap", "number")
            .only("point")
            .first()
            if parsed.number is not None
            else None
        )
        point = nearest.point if nearest else match.street.point
        if point is not None:
            candidates.append(
                Candidate(
                    point=point,
                    label=_label(match),
                    precision=Precision.STREET,
                    score=round(match.quality * 0.85, 4),
                    source=SOURCE,
                )
            )
    return candidates


def geocode(parsed: ParsedQuery, *, limit: int = 5) -> list[Candidate]:
    """Candidates from the local address register for a parsed query (street or address)."""
    matches = find_streets(parsed)
    if not matches:
        return []
    if parsed.house_number:
        candidates = _address_candidates(parsed, matches)
    else:
        candidates = [c for m in matches if (c := _street_candidate(m))]
    return ranked(candidates, limit=limit)


def autocomplete(parsed: ParsedQuery, *, limit: int = 8) -> list[Candidate]:
    """Suggestions while typing: streets by prefix, then house numbers on the best street."""
    matches = find_streets(parsed, limit=max(limit, STREET_CANDIDATES))
    if not matches:
        return []
    if not parsed.house_number:
        return ranked([c for m in matches if (c := _street_candidate(m))], limit=limit)
    best = matches[0]
    addresses = (
        Address.objects.filter(street_id=best.street.pk, house_key__startswith=parsed.house_number)
        .order_by("number", "house_key", "box_key")
        .only("house_number", "box", "box_key", "point")[:limit]
    )
    return [
        Candidate(
            point=a.point,
            label=_label(best, a.house_number, a.box),
            precision=Precision.ADDRESS,
            score=round(best.quality * (1.0 if a.house_key == parsed.house_number else 0.95), 4),
            source=SOURCE,
        )
        for a in addresses
    ] or ranked([c for m in matches if (c := _street_candidate(m))], limit=limit)


# --- reverse ------------------------------------------------------------------------------


def nearest_address(point: Point, *, meters: float = 250) -> tuple[Address, float] | None:
    """The address nearest to an EPSG:4326 point within `meters`, with its distance in metres."""
    address = (
        spatial.nearest(Address.objects.select_related("street"), "point", point, meters=meters)
        .only(
            "house_number",
            "box",
            "point",
            "street__name",
            "street__postcode",
            "street__municipality",
        )
        .first()
    )
    if address is None:
        return None
    return address, spatial.distance_m(address.distance)


def address_label(address: Address) -> str:
    box = f" bus {address.box}" if address.box else ""
    street = address.street
    return f"{street.name} {address.house_number}{box}, {street.postcode} {street.municipality}"
