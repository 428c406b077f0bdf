"""A network map as a worker draws it: five ties, two wishes."""

from __future__ import annotations

from networkmap import services
from networkmap.models import Tie
from tests.referrals.helpers import worker


def row(name, sector, ring, frequency, quality, *gives) -> dict:
    """One tie as the form's fields."""
    return {
        "name": name,
        "sector": sector,
        "ring": ring,
        "frequency": frequency,
        "quality": quality,
        "gives": list(gives),
    }


FIVE_TIES = [
    row("Anna", "household", "close", "daily", "good", "company", "late_call"),
    row("sister", "household", "further", "monthly", "mixed", "advice"),
    row("Mo", "neighbours", "close", "weekly", "good", "practical"),
    row("GP", "professionals", "further", "rarely", "good", "advice"),
    row("Kevin", "friends", "further", "weekly", "hard"),
]


def form_data(ties=FIVE_TIES, *, missing=(), **extra) -> dict:
    """The drawing form as the browser posts it."""
    data: dict = {"tie-TOTAL_FORMS": str(len(ties)), "tie-INITIAL_FORMS": "0"}
    for i, tie in enumerate(ties):
        for name, value in tie.items():
            data[f"tie-{i}-{name}"] = value
    data["missing"] = list(missing)
    data.update(extra)
    return data


def ties(rows=FIVE_TIES) -> list[Tie]:
    return [Tie(**row) for row in rows]


def saved_map(*, by=None, pseudonym="Jan", rows=FIVE_TIES, missing=("peers", "sunday")):
    return services.network_map_save(
        worker=by or worker(), pseudonym=pseudonym, consent=True, ties=ties(rows), missing=missing
    )
