"""What every geocoder returns, and the errors the geocoding service raises."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.gis.geos import Point

from buurt.models import Precision

# Best first: sorting by this puts an address before a street before a postcode.
PRECISION_RANK = {
    Precision.ADDRESS: 0,
    Precision.STREET: 1,
    Precision.POSTCODE: 2,
    Precision.MUNICIPALITY: 3,
}


@dataclass(frozen=True)
class Candidate:
    """One place an address may be: an EPSG:4326 point, how to show it, and how sure we are.

    `score` is in [0, 1] and compares candidates of one answer, not across answers.
    """

    point: Point
    label: str
    precision: str  # a buurt.models.Precision value
    score: float
    source: str  # the backend that found it: "gazetteer", "postcode", "nominatim", ...

    @property
    def lat(self) -> float:
        return round(self.point.y, 7)

    @property
    def lon(self) -> float:
        return round(self.point.x, 7)

    def as_dict(self) -> dict:
        return {
            "lat": self.lat,
            "lon": self.lon,
            "label": self.label,
            "precision": str(self.precision),
            "score": round(self.score, 3),
            "source": self.source,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Candidate:
        return cls(
            point=Point(float(data["lon"]), float(data["lat"]), srid=4326),
            label=data["label"],
            precision=data["precision"],
            score=float(data["score"]),
            source=data["source"],
        )


def ranked(candidates: list[Candidate], *, limit: int) -> list[Candidate]:
    """Best precision first, then best score; one candidate per label."""
    seen: set[str] = set()
    unique = []
    for candidate in sorted(
        candidates, key=lambda c: (PRECISION_RANK.get(c.precision, 9), -c.score, c.label)
    ):
        if candidate.label.lower() not in seen:
            seen.add(candidate.label.lower())
            unique.append(candidate)
    return unique[:limit]


class GeocodeInputError(ValueError):
    """The text cannot be searched. The message is translated and shown to the user."""


class GeocoderUnavailable(RuntimeError):
    """A remote geocoder did not answer (network, HTTP error, rate limit): try again later."""
