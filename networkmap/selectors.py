"""Reads for the network map pages: the worker's saved maps, a map's drawings, the change
between two of them, and the map search that looks for what is missing."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Prefetch, QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from buurt.search.params import DEFAULT_RADIUS_M, SearchParams

from . import policy
from .drawing import summary
from .models import (
    SEARCH_FOR,
    Drawing,
    Frequency,
    Gives,
    Missing,
    NetworkMap,
    Quality,
    Ring,
    Sector,
    Tie,
)


def network_maps_of(worker) -> QuerySet[NetworkMap]:
    """The worker's saved maps with how many times they were drawn, most recently used first."""
    return policy.network_maps_visible_to(worker).annotate(drawing_count=Count("drawings"))


def network_map_choices(worker) -> list[tuple[int, str]]:
    """(pk, "Jan — saved 3 March 2026") for a referral form that can link a map."""
    return [
        (m.pk, f"{m.pseudonym} — {date_format(m.created_at, 'DATE_FORMAT')}")
        for m in policy.network_maps_visible_to(worker).order_by("pseudonym", "pk")
    ]


def drawings_of(network_map: NetworkMap) -> list[Drawing]:
    """Every drawing of the map, oldest first, with its ties (two queries)."""
    return list(
        network_map.drawings.prefetch_related(
            Prefetch("ties", queryset=Tie.objects.order_by("position"))
        )
    )


@dataclass(frozen=True)
class TieChange:
    name: str
    what: tuple[str, ...]  # "how close: close → further away"


@dataclass
class Changes:
    """What changed between two drawings of one map."""

    before: Drawing
    after: Drawing
    added: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    changed: list[TieChange] = field(default_factory=list)
    missing_found: list[str] = field(default_factory=list)  # no longer missing
    missing_new: list[str] = field(default_factory=list)
    summary_before: str = ""
    summary_after: str = ""

    @property
    def nothing(self) -> bool:
        return not (
            self.added or self.gone or self.changed or self.missing_found or self.missing_new
        )


_COMPARED = (
    ("sector", Sector),
    ("ring", Ring),
    ("frequency", Frequency),
    ("quality", Quality),
)


def _gives_text(codes) -> str:
    return ", ".join(str(Gives(c).label).lower() for c in codes if c in Gives.values) or "—"


def _key(tie: Tie) -> str:
    return tie.name.casefold()


def changes_between(before: Drawing, after: Drawing) -> Changes:
    """Ties are matched by name or role (case-insensitive): new ones, gone ones, and for the
    others what moved (closer, more often, better or worse), in words."""
    labels = {
        "sector": _("where"),
        "ring": _("how close"),
        "frequency": _("how often"),
        "quality": _("good for the person"),
        "gives": _("what it gives"),
    }
    old = {_key(t): t for t in before.ties.all()}
    new = {_key(t): t for t in after.ties.all()}
    changes = Changes(before=before, after=after)
    changes.added = [t.name for k, t in new.items() if k not in old]
    changes.gone = [t.name for k, t in old.items() if k not in new]
    for key, tie in new.items():
        if key not in old:
            continue
        was = old[key]
        what = []
        for name, choices in _COMPARED:
            a, b = getattr(was, name), getattr(tie, name)
            if a != b:
                was_label, now_label = str(choices(a).label), str(choices(b).label)
                what.append(f"{labels[name]}: {was_label.lower()} → {now_label.lower()}")
        if set(was.gives) != set(tie.gives):
            what.append(f"{labels['gives']}: {_gives_text(was.gives)} → {_gives_text(tie.gives)}")
        if what:
            changes.changed.append(TieChange(tie.name, tuple(what)))
    changes.missing_found = [
        str(Missing(m).label)
        for m in before.missing
        if m not in after.missing and m in Missing.values
    ]
    changes.missing_new = [
        str(Missing(m).label)
        for m in after.missing
        if m not in before.missing and m in Missing.values
    ]
    person = before.network_map.pseudonym
    changes.summary_before = summary(list(before.ties.all()), person=person)
    changes.summary_after = summary(list(after.ties.all()), person=person)
    return changes


def search_params(*, address: str, missing: str) -> SearchParams:
    """The map search for one missing thing near the address, as SEARCH_FOR says."""
    wanted = SEARCH_FOR[missing]
    return SearchParams(
        address=" ".join(address.split()),
        radius_m=DEFAULT_RADIUS_M,
        kinds=tuple(wanted.get("kinds", ())),
        categories=tuple(wanted.get("categories", ())),
        models=tuple(wanted.get("models", ())),
        when=str(wanted.get("when", "")),
    )


def search_url(*, address: str, missing: str) -> str:
    """/zoeken/?address=…&kind=…: the address goes only into this URL, never into a row."""
    params = search_params(address=address, missing=missing)
    return f"{reverse('maps:search')}?{urlencode(params.query_items())}"
