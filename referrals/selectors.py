"""Reads for the referral pages: the worker's list, the association's inbox, companions to
choose from, and the coordinators' outcome statistics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

import spatial
from accounts.models import Membership
from buurt.models import Organisation
from core.fields import has_code
from neighbourhelp.models import Category as HelpCategory
from neighbourhelp.models import HelpOffer
from neighbourhelp.querysets import MAX_PENDING_PER_HELPER
from neighbourhelp.selectors import distance_bucket, load_rank, public_distance_m
from neighbourhelp.services import month_start

from .models import FollowUp, Need, Notification, Referral

# A statistics cell is shown only from this count up: fewer could point at a person.
MIN_CELL = 5
# Companions are looked for within this distance of the association.
COMPANION_RADIUS_M = 3_000
COMPANION_CATEGORIES = (HelpCategory.COMPANY, HelpCategory.BUDDY)

_LIST_RELATED = ("organisation", "activity", "worker", "companion_offer__helper")


def _with_due_and_failed(queryset):
    return queryset.select_related(*_LIST_RELATED).prefetch_related(
        Prefetch(
            "follow_ups",
            queryset=FollowUp.objects.waiting_for_answer(),
            to_attr="due_follow_ups",
        ),
        Prefetch(
            "notifications",
            queryset=Notification.objects.failed().select_related("recipient"),
            to_attr="failed_notifications",
        ),
    )


def referrals_of_worker(user) -> list[Referral]:
    """The worker's referrals, with the follow-ups waiting for an answer and failed e-mails."""
    return list(_with_due_and_failed(Referral.objects.made_by(user).not_anonymised()))


def referrals_incoming(organisation: Organisation) -> list[Referral]:
    return list(
        _with_due_and_failed(
            Referral.objects.filter(organisation=organisation).not_anonymised()
        ).exclude(status=Referral.Status.WITHDRAWN)
    )


def referral_detail(queryset, pk: int) -> Referral | None:
    return (
        _with_due_and_failed(queryset)
        .select_related("responded_by", "organisation__neighbourhood")
        .prefetch_related("follow_ups")
        .filter(pk=pk)
        .first()
    )


@dataclass(frozen=True)
class CompanionChoice:
    offer: HelpOffer
    distance: str  # a bucket label: the helper's home is private


def companion_choices(organisation: Organisation, *, worker, limit: int = 10) -> list:
    """Neighbours whose offer includes company or being a buddy, who live near enough to the
    association to go along, ranked as neighbour help ranks helpers (load_rank), counting the
    referrals they were asked to go along with as load too."""
    if organisation.point is None:
        return []
    candidates = (
        HelpOffer.objects.public()
        .contactable()
        .filter(
            Q(has_code("categories", COMPANION_CATEGORIES[0]))
            | Q(has_code("categories", COMPANION_CATEGORIES[1]))
        )
        .exclude(helper=worker)
        .filter(spatial.within_sphere("public_point", organisation.point, COMPANION_RADIUS_M))
        .select_related("helper", "neighbourhood")
        .with_load(since=month_start(timezone.now()))
        .annotate(
            asked_along=Count(
                "referrals",
                filter=Q(referrals__companion_status=Referral.CompanionStatus.ASKED),
                distinct=True,
            )
        )
    )
    ranked = []
    for offer in candidates:
        meters = public_distance_m(offer, organisation.point)
        if meters > offer.max_distance_m or offer.pending_count >= MAX_PENDING_PER_HELPER:
            continue
        rank = load_rank(offer, meters, extra_load=offer.asked_along)
        ranked.append((rank, CompanionChoice(offer, distance_bucket(meters))))
    ranked.sort(key=lambda pair: pair[0])
    return [choice for _key, choice in ranked[:limit]]


def receiving_organisations(*, near=None, limit: int = 40):
    """Published organisations with someone to answer, nearest first when a point is given."""
    queryset = Organisation.objects.public().filter(
        pk__in=Membership.objects.values("organisation_id")
    )
    if near is not None:
        queryset = spatial.nearest(queryset, "point", near, meters=5_000)
    else:
        queryset = queryset.order_by("name")
    return list(queryset[:limit])


# --- Statistics --------------------------------------------------------------------------


@dataclass(frozen=True)
class OutcomeRow:
    label: str
    referred: int
    went: int  # went at least once
    still_going: int  # goes regularly at the 12-week follow-up

    def cells(self) -> list[int | None]:
        """The three counts, None where a count is below MIN_CELL (shown as "fewer than 5")."""
        return [n if n >= MIN_CELL else None for n in (self.referred, self.went, self.still_going)]


WENT = (Referral.Outcome.ONCE, Referral.Outcome.REGULARLY, Referral.Outcome.STOPPED)


def _rows(counter_referred, counter_went, counter_going, labels) -> list[OutcomeRow]:
    """Rows with at least MIN_CELL referrals, most referred first; smaller groups are left
    out entirely, so that they cannot be read off as differences either."""
    rows = [
        OutcomeRow(labels.get(key, str(key)), n, counter_went[key], counter_going[key])
        for key, n in counter_referred.items()
        if n >= MIN_CELL
    ]
    return sorted(rows, key=lambda r: (-r.referred, r.label))


def referral_statistics(*, since=None) -> dict:
    """Counts per organisation, need and neighbourhood. Declined and withdrawn referrals are
    counted as referred (they were), and never as went."""
    queryset = Referral.objects.all()
    if since is not None:
        queryset = queryset.filter(created_at__gte=since)
    fields = ("organisation_id", "organisation__name", "neighbourhood_id", "neighbourhood__name")
    # kind -> (referred, went, still going at 12 weeks: counts per key; key -> label)
    per: dict[str, tuple[Counter, Counter, Counter, dict]] = {
        kind: (Counter(), Counter(), Counter(), {})
        for kind in ("organisation", "need", "neighbourhood")
    }
    per["need"][3].update({code: str(label) for code, label in Need.choices})
    total: Counter[str] = Counter()
    for row in queryset.values(*fields, "needs", "outcome", "still_going_at_12_weeks"):
        keys = {
            "organisation": [row["organisation_id"]],
            "neighbourhood": [row["neighbourhood_id"]] if row["neighbourhood_id"] else [],
            "need": row["needs"],
        }
        per["organisation"][3][row["organisation_id"]] = row["organisation__name"]
        if row["neighbourhood_id"]:
            per["neighbourhood"][3][row["neighbourhood_id"]] = row["neighbourhood__name"]
        went = row["outcome"] in WENT
        going = row["still_going_at_12_weeks"]
        total.update(referred=1, went=int(went), still_going=int(going))
        for kind, kind_keys in keys.items():
            referred, went_counter, going_counter, _labels = per[kind]
            for key in kind_keys:
                referred[key] += 1
                went_counter[key] += int(went)
                going_counter[key] += int(going)
    return {
        "total": OutcomeRow("", total["referred"], total["went"], total["still_going"]),
        "rows": {kind: _rows(*values) for kind, values in per.items()},
        "min_cell": MIN_CELL,
        "as_of": timezone.now(),
    }
