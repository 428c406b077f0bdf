"""The postcode fallback: a postcode or a place name -> the centre of its postal area."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from buurt.models import PostcodeCentroid, Precision

from .candidates import Candidate, ranked
from .normalise import ParsedQuery, place_keys, street_key

SOURCE = "postcode"
SHIPPED_CSV = Path(__file__).resolve().parent.parent / "data" / "be_postcodes.csv"


def read_postcode_csv(path: Path = SHIPPED_CSV) -> Iterator[dict]:
    """Rows of a postcode CSV (postcode,name,municipality_nl,municipality_fr,other_names,lat,
    lon) as keyword arguments for PostcodeCentroid, without the point (lat/lon are returned)."""
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            others = [n for n in (row.get("other_names") or "").split("|") if n]
            yield {
                "postcode": row["postcode"].strip(),
                "name": row["name"].strip(),
                "municipality": row["municipality_nl"].strip(),
                "municipality_alt": row["municipality_fr"].strip(),
                "place_keys": place_keys(
                    row["name"], row["municipality_nl"], row["municipality_fr"], *others
                ),
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
            }


def _candidate(centroid: PostcodeCentroid, precision: str, score: float, label: str):
    return Candidate(
        point=centroid.point, label=label, precision=precision, score=score, source=SOURCE
    )


def geocode(parsed: ParsedQuery, *, limit: int = 5) -> list[Candidate]:
    """The postcode typed, else the place typed; municipality precision for a whole town."""
    if parsed.postcode:
        centroid = PostcodeCentroid.objects.filter(postcode=parsed.postcode).first()
        if centroid is None:
            return []
        return [
            _candidate(centroid, Precision.POSTCODE, 0.5, f"{centroid.postcode} {centroid.name}")
        ]
    place = parsed.place_key or (parsed.street_key if not parsed.house_number else "")
    if not place:
        return []
    candidates = []
    for centroid in PostcodeCentroid.objects.filter(place_keys__contains=f" {place} "):
        if street_key(centroid.name) == place:
            # The postal name itself: Mariakerke, Gentbrugge, or the main postcode of a town.
            is_town = street_key(centroid.municipality) == place
            precision = Precision.MUNICIPALITY if is_town else Precision.POSTCODE
            candidates.append(
                _candidate(
                    centroid,
                    precision,
                    0.45 if is_town else 0.5,
                    centroid.municipality if is_town else f"{centroid.postcode} {centroid.name}",
                )
            )
        elif place in (street_key(centroid.municipality), street_key(centroid.municipality_alt)):
            name = (
                centroid.municipality_alt
                if street_key(centroid.municipality_alt) == place
                else centroid.municipality
            )
            candidates.append(_candidate(centroid, Precision.MUNICIPALITY, 0.4, name))
        else:
            candidates.append(
                _candidate(
                    centroid, Precision.POSTCODE, 0.45, f"{centroid.postcode} {centroid.name}"
                )
            )
    # A town with several postcodes: its lowest postcode stands for the town.
    candidates.sort(key=lambda c: (c.precision != Precision.MUNICIPALITY, -c.score))
    return ranked(candidates, limit=limit)


def autocomplete(parsed: ParsedQuery, *, limit: int = 8) -> list[Candidate]:
    """Postcodes starting with the digits typed, or places starting with the letters."""
    if parsed.postcode or (parsed.house_number and not parsed.street_key):
        digits = parsed.postcode or parsed.house_number
        rows = PostcodeCentroid.objects.filter(postcode__startswith=digits)[:limit]
    else:
        key = parsed.place_key or parsed.street_key
        if len(key) < 2:
            return []
        rows = PostcodeCentroid.objects.filter(place_keys__contains=f" {key}")[:limit]
    return [_candidate(c, Precision.POSTCODE, 0.5, f"{c.postcode} {c.name}") for c in rows]
