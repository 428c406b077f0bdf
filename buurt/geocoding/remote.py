"""Optional remote geocoders, off by default (settings.GEOCODER_CHAIN).

- Nominatim and Photon (OpenStreetMap) through geopy;
- Basisregisters Vlaanderen `adresmatch` (Flanders' address register; positions in EPSG:31370);
- PDOK Locatieserver (the Netherlands; `centroide_ll` is "POINT(lon lat)").

Every answer is cached in the database (GeocodeCache), so a question is asked once. Public
Nominatim's policy is kept: at most one request per second across all our processes (the
slot is taken in Django's cache: configure CACHE_URL with Redis to share it between
processes), a User-Agent that says who we are, and it is never used for autocomplete.
"""

from __future__ import annotations

import re
import time
from contextvars import ContextVar
from datetime import timedelta

import requests
from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone
from geopy.adapters import RequestsAdapter
from geopy.exc import GeopyError
from geopy.geocoders import Nominatim, Photon

import spatial
from buurt.models import GeocodeCache, Precision

from .candidates import Candidate, GeocoderUnavailable
from .normalise import ParsedQuery, fold

BE_NL = ["be", "nl"]


# --- cache and politeness -----------------------------------------------------------------


# False while geocoding a search: the address a worker types is often their client's, and it
# must not stay in a row (GeocodeCache). Cached answers are still read, none is written.
REMEMBER: ContextVar[bool] = ContextVar("geocoder_remember", default=True)


def query_key(text: str) -> str:
    """The cache key of a question: folded, single spaces, at most 300 characters."""
    return " ".join(fold(text).split())[:300]


def cached(backend: str, text: str, ask) -> list[Candidate]:
    """The cached answer of `backend` to `text`, else ask(), store and return it.

    Errors (GeocoderUnavailable) are not cached, empty answers are: "not found" is an answer.
    """
    key = query_key(text)
    max_age = timedelta(days=settings.GEOCODER_CACHE_DAYS)
    hit = GeocodeCache.objects.filter(
        backend=backend, query_key=key, created_at__gte=timezone.now() - max_age
    ).first()
    if hit is not None:
        return [Candidate.from_dict(c) for c in hit.candidates]
    candidates = ask()
    if not REMEMBER.get():
        return candidates
    try:
        with transaction.atomic():
            GeocodeCache.objects.update_or_create(
                backend=backend,
                query_key=key,
                defaults={"candidates": [c.as_dict() for c in candidates]},
            )
    except IntegrityError:
        pass  # another process stored the same answer at the same moment
    return candidates


def wait_for_slot(name: str, *, interval: float, timeout: float | None = None) -> None:
    """Block until this process may send the next request to `name` (one per `interval` s).

    cache.add is atomic in every Django cache backend: whoever adds the key owns the slot,
    and the key expires after `interval` seconds, freeing the next one.
    """
    timeout = settings.GEOCODER_RATE_LIMIT_TIMEOUT if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while not cache.add(f"geocoder-slot:{name}", 1, timeout=interval):
        if time.monotonic() > deadline:
            raise GeocoderUnavailable(f"{name}: no request slot within {timeout:g} s")
        time.sleep(0.05)


def _headers() -> dict:
    return {"User-Agent": settings.GEOCODER_USER_AGENT, "Accept": "application/json"}


def _get_json(url: str, params: dict) -> dict:
    try:
        response = requests.get(
            url, params=params, headers=_headers(), timeout=settings.GEOCODER_TIMEOUT
        )
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as exc:
        raise GeocoderUnavailable(f"{url}: {exc}") from exc


def _point(lon: float, lat: float) -> Point | None:
    try:
        point = spatial.make_point(lat=lat, lon=lon)
    except spatial.SpatialInputError:
        return None
    return point if spatial.in_benelux(point.x, point.y) else None


# --- OpenStreetMap through geopy ----------------------------------------------------------

OSM_PRECISION = {
    "house": Precision.ADDRESS,
    "building": Precision.ADDRESS,
    "place": Precision.ADDRESS,
    "road": Precision.STREET,
    "street": Precision.STREET,
    "postcode": Precision.POSTCODE,
    "suburb": Precision.POSTCODE,
    "district": Precision.POSTCODE,
    "locality": Precision.POSTCODE,
    "city": Precision.MUNICIPALITY,
    "town": Precision.MUNICIPALITY,
    "village": Precision.MUNICIPALITY,
    "municipality": Precision.MUNICIPALITY,
}


def _osm_candidates(locations, source: str, kind_of) -> list[Candidate]:
    candidates = []
    for rank, location in enumerate(locations or []):
        point = _point(location.longitude, location.latitude)
        precision = OSM_PRECISION.get(kind_of(location.raw))
        if point is None or precision is None:
            continue
        candidates.append(
            Candidate(
                point=point,
                label=location.address,
                precision=precision,
                score=round(0.8 - 0.05 * rank, 3),
                source=source,
            )
        )
    return candidates


def nominatim(parsed: ParsedQuery, *, limit: int = 5) -> list[Candidate]:
    def ask():
        wait_for_slot("nominatim", interval=settings.GEOCODER_NOMINATIM_INTERVAL)
        geocoder = Nominatim(
            user_agent=settings.GEOCODER_USER_AGENT,
            domain=settings.GEOCODER_NOMINATIM_DOMAIN,
            scheme=settings.GEOCODER_SCHEME,
            timeout=settings.GEOCODER_TIMEOUT,
            adapter_factory=RequestsAdapter,
        )
        try:
            locations = geocoder.geocode(
                parsed.text, exactly_one=False, limit=limit, country_codes=BE_NL
            )
        except GeopyError as exc:
            raise GeocoderUnavailable(f"nominatim: {exc}") from exc
        return _osm_candidates(
            locations, "nominatim", lambda raw: raw.get("addresstype") or raw.get("type")
        )

    return cached("nominatim", parsed.text, ask)


def photon(parsed: ParsedQuery, *, limit: int = 5) -> list[Candidate]:
    def ask():
        geocoder = Photon(
            user_agent=settings.GEOCODER_USER_AGENT,
            domain=settings.GEOCODER_PHOTON_DOMAIN,
            scheme=settings.GEOCODER_SCHEME,
            timeout=settings.GEOCODER_TIMEOUT,
            adapter_factory=RequestsAdapter,
        )
        try:
            locations = geocoder.geocode(parsed.text, exactly_one=False, limit=limit)
        except GeopyError as exc:
            raise GeocoderUnavailable(f"photon: {exc}") from exc
        return _osm_candidates(
            locations, "photon", lambda raw: raw.get("properties", {}).get("type")
        )

    return cached("photon", parsed.text, ask)


# --- Basisregisters Vlaanderen ------------------------------------------------------------

GML_POS = re.compile(r"<gml:pos>\s*([-\d.]+)\s+([-\d.]+)\s*</gml:pos>")


def _lambert72_position(match: dict) -> tuple[float, float] | None:
    """(x, y) in EPSG:31370 from an adresMatch: v2 GML, or v1 GeoJSON-like coordinates."""
    position = match.get("adresPositie") or {}
    gml = (position.get("geometrie") or {}).get("gml")
    if gml:
        found = GML_POS.search(gml)
        return (float(found.group(1)), float(found.group(2))) if found else None
    coordinates = (position.get("point") or {}).get("coordinates")
    if coordinates and len(coordinates) >= 2:
        return float(coordinates[0]), float(coordinates[1])
    return None


def basisregisters(parsed: ParsedQuery, *, limit: int = 5) -> list[Candidate]:
    """adresMatch needs structured input: street, number and postcode or municipality."""
    if not parsed.street or not (parsed.postcode or parsed.place_key):
        return []
    params = {"straatnaam": parsed.street, "limit": limit}
    if parsed.house_number:
        params["huisnummer"] = parsed.house_number.upper()
    if parsed.box:
        params["busnummer"] = parsed.box
    if parsed.postcode:
        params["postcode"] = parsed.postcode
    else:
        params["gemeentenaam"] = parsed.place_key

    def ask():
        data = _get_json(settings.GEOCODER_BASISREGISTERS_URL, params)
        matches = [m for m in data.get("adresMatches", []) if _lambert72_position(m)]
        to_wgs84 = spatial.LonLatTransformer(spatial.LAMBERT_72)
        lonlats = to_wgs84([_lambert72_position(m) for m in matches])
        candidates = []
        for match, (lon, lat) in zip(matches, lonlats, strict=True):
            point = _point(lon, lat)
            label = ((match.get("volledigAdres") or {}).get("geografischeNaam") or {}).get(
                "spelling"
            )
            if point is None or not label:
                continue
            candidates.append(
                Candidate(
                    point=point,
                    label=label,
                    precision=Precision.ADDRESS if match.get("huisnummer") else Precision.STREET,
                    score=round(float(match.get("score", 0)) / 100, 3),
                    source="basisregisters",
                )
            )
        return candidates

    return cached("basisregisters", " ".join(f"{k}={v}" for k, v in sorted(params.items())), ask)


# --- PDOK Locatieserver -------------------------------------------------------------------

PDOK_PRECISION = {
    "adres": Precision.ADDRESS,
    "weg": Precision.STREET,
    "postcode": Precision.POSTCODE,
    "woonplaats": Precision.MUNICIPALITY,
    "gemeente": Precision.MUNICIPALITY,
}
WKT_POINT = re.compile(r"POINT\s*\(\s*([-\d.]+)\s+([-\d.]+)\s*\)")


def pdok(parsed: ParsedQuery, *, limit: int = 5) -> list[Candidate]:
    def ask():
        data = _get_json(
            settings.GEOCODER_PDOK_URL,
            {
                "q": parsed.text,
                "rows": limit,
                "fl": "id,type,weergavenaam,centroide_ll,score",
                "fq": "type:(adres OR weg OR postcode OR woonplaats OR gemeente)",
            },
        )
        docs = (data.get("response") or {}).get("docs") or []
        top = max((float(d.get("score") or 0) for d in docs), default=0) or 1.0
        candidates = []
        for doc in docs:
            found = WKT_POINT.search(doc.get("centroide_ll") or "")
            precision = PDOK_PRECISION.get(doc.get("type"))
            if not found or precision is None:
                continue
            # centroide_ll is WKT, so x comes first: longitude, then latitude.
            point = _point(float(found.group(1)), float(found.group(2)))
            if point is None:
                continue
            candidates.append(
                Candidate(
                    point=point,
                    label=doc.get("weergavenaam", ""),
                    precision=precision,
                    score=round(0.9 * float(doc.get("score") or 0) / top, 3),
                    source="pdok",
                )
            )
        return candidates

    return cached("pdok", parsed.text, ask)
