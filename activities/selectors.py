"""Reads that feed the agenda, the detail page, the dashboard and the feeds."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.contrib.gis.geos import Point
from django.db.models import (
    Case,
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

import spatial
from accounts import policy
from buurt import flags

from .models import Activity, Occurrence, Registration


@dataclass(frozen=True)
class AgendaFilter:
    """What a visitor chose on the agenda. Dates are local days, inclusive."""

    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    categories: tuple[str, ...] = ()
    neighbourhood: str = ""  # a neighbourhood code
    organisation: str = ""  # an organisation slug
    reduced_rate: bool = False
    access: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    come_alone: bool = False
    extra: dict = field(default_factory=dict, compare=False)
    # Within radius_m metres of point (EPSG:4326): the embedded agenda's "near this place".
    point: Point | None = None
    radius_m: int = 0


AFFORDABLE = Q(cost__in=[Activity.Cost.FREE, Activity.Cost.PAY_WHAT_YOU_CAN]) | Q(reduced_rate=True)


def activity_filter_q(filters: AgendaFilter) -> Q:
    """The conditions on the activity itself (all but the dates)."""
    conditions = Q()
    if filters.categories:
        conditions &= Q(category__in=filters.categories)
    if filters.neighbourhood:
        conditions &= Q(neighbourhood__code=filters.neighbourhood)
    if filters.organisation:
        conditions &= Q(organisation__slug=filters.organisation)
    if filters.reduced_rate:
        conditions &= AFFORDABLE
    for code in filters.access:
        conditions &= Q(**{flags.ACCESS_FIELDS[code]: True})
    if filters.languages:
        links = Activity.languages.through.objects.filter(
            activity=OuterRef("pk"), language_id__in=filters.languages
        )
        conditions &= Q(Exists(links))
    if filters.come_alone:
        conditions &= Q(come_alone=True) | Q(welcome_person=True)
    if filters.point is not None and filters.radius_m:
        conditions &= spatial.within_distance("point", filters.point, filters.radius_m)
    return conditions


def agenda_occurrences(
    filters: AgendaFilter, *, now: datetime.datetime | None = None
) -> QuerySet[Occurrence]:
    """Public occurrences still to come (or under way) that pass the filters, soonest first:
    one per activity, its next date in the period, so that a weekly activity is listed once
    (with how it repeats) rather than on every page.

    Each activity's first date is one lookup on the (activity, starts_at) index of
    occurrence_unique, once per activity: a subquery per occurrence made the agenda take
    seconds with 15,000 dates on PostGIS."""
    activities = Activity.objects.public(include_cancelled=True).filter(activity_filter_q(filters))
    dates = Occurrence.objects.upcoming(now=now).between(filters.date_from, filters.date_to)
    first = dates.filter(activity=OuterRef("pk")).order_by("starts_at", "pk").values("pk")[:1]
    firsts = activities.annotate(first_date=Subquery(first)).filter(first_date__isnull=False)
    return (
        Occurrence.objects.filter(pk__in=firsts.values("first_date"))
        .select_related("activity__organisation", "activity__neighbourhood")
        .order_by("starts_at", "pk")
    )


@dataclass(frozen=True)
class AgendaDay:
    """A day heading of the agenda and the occurrences under it."""

    day: datetime.date
    occurrences: list[Occurrence]
    is_today: bool = False
    is_tomorrow: bool = False


def by_day(occurrences, *, today: datetime.date | None = None) -> list[AgendaDay]:
    """Occurrences (in time order) grouped by their local day, for day headings."""
    today = today or timezone.localdate()
    days: dict[datetime.date, list[Occurrence]] = {}
    for occurrence in occurrences:
        days.setdefault(timezone.localdate(occurrence.starts_at), []).append(occurrence)
    return [
        AgendaDay(
            day=day,
            occurrences=listed,
            is_today=day == today,
            is_tomorrow=day == today + datetime.timedelta(days=1),
        )
        for day, listed in days.items()
    ]


# The home page's "this week": a handful, never a list that grows with the city.
WEEK_HIGHLIGHTS = 8


def week_highlights(
    *, limit: int = WEEK_HIGHLIGHTS, now: datetime.datetime | None = None
) -> list[Occurrence]:
    """The next date of up to `limit` public activities in the coming seven days (today
    included), free, pay-what-you-can or reduced-rate ones first, then soonest first.

    One bounded query: a weekly activity has one date in the window and a daily one seven, so
    `limit` × 7 rows always hold `limit` activities when there are that many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    affordable = Q(activity__cost__in=[Activity.Cost.FREE, Activity.Cost.PAY_WHAT_YOU_CAN]) | Q(
        activity__reduced_rate=True
    )
    rows = (
        Occurrence.objects.public()
        .upcoming(now=now)
        .between(today, today + datetime.timedelta(days=6))
        .annotate(paid=Case(When(affordable, then=Value(0)), default=Value(1)))
        .select_related("activity__organisation", "activity__neighbourhood")
        .order_by("paid", "starts_at", "pk")[: limit * 7]
    )
    chosen: dict[int, Occurrence] = {}
    for occurrence in rows:
        chosen.setdefault(occurrence.activity_id, occurrence)
        if len(chosen) == limit:
            break
    return list(chosen.values())


def feed_activities(filters: AgendaFilter) -> QuerySet[Activity]:
    """Public activities for an iCal feed: the activity-level filters (a feed has no end),
    series and the one-off activities of the last month onwards."""
    recent = timezone.now() - datetime.timedelta(days=30)
    return (
        Activity.objects.public(include_cancelled=True)
        .filter(activity_filter_q(filters))
        .filter(~Q(rrule="") | Q(ends_at__gte=recent))
        .select_related("organisation")
        .prefetch_related(
            Prefetch(
                "occurrences",
                queryset=Occurrence.objects.filter(is_cancelled=True),
                to_attr="cancelled_occurrences",
            )
        )
        .order_by("starts_at", "pk")
    )


def activity_detail(*, pk: int) -> Activity | None:
    """A public activity, a cancelled one too (its page says so), or None."""
    return (
        Activity.objects.public(include_cancelled=True)
        .select_related("organisation")
        .filter(pk=pk)
        .first()
    )


def upcoming_occurrences(activity: Activity, *, limit: int = 12) -> list[Occurrence]:
    confirmed = Count("registrations", filter=Q(registrations__status="confirmed"))
    return list(
        activity.occurrences.upcoming().annotate(confirmed=confirmed).order_by("starts_at")[:limit]
    )


def activities_editable_by(user) -> QuerySet[Activity]:
    """The activities of the organisations this user may edit (policy.can_edit_organisation)."""
    return Activity.objects.filter(
        organisation__in=policy.organisations_editable_by(user)
    ).select_related("organisation")


def occurrences_editable_by(user) -> QuerySet[Occurrence]:
    return Occurrence.objects.filter(activity__in=activities_editable_by(user)).select_related(
        "activity__organisation"
    )


def registrations_of(activity: Activity) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(occurrence__activity=activity)
        .select_related("occurrence", "user")
        .order_by("occurrence__starts_at", "status", "created_at", "pk")
    )


def my_registrations(user) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .exclude(status=Registration.Status.CANCELLED)
        .filter(occurrence__ends_at__gte=timezone.now())
        .select_related("occurrence__activity")
    )


def organisation_upcoming(
    *, organisation, activities: int = 5, dates: int = 3, now: datetime.datetime | None = None
) -> list[tuple[Activity, list[Occurrence]]]:
    """The organisation's public activities still to come, soonest first, each with its next
    `dates` dates: for its page. One query; a weekly activity does not crowd out the rest
    because at most `activities * dates * 4` dates are read and grouped per activity."""
    found: dict[int, tuple[Activity, list[Occurrence]]] = {}
    upcoming = (
        Occurrence.objects.public()
        .filter(activity__organisation=organisation)
        .upcoming(now=now)
        .select_related("activity")
        .order_by("starts_at", "pk")[: activities * dates * 4]
    )
    for occurrence in upcoming:
        activity = occurrence.activity
        if activity.pk not in found:
            if len(found) == activities:
                continue
            found[activity.pk] = (activity, [])
        if len(found[activity.pk][1]) < dates:
            found[activity.pk][1].append(occurrence)
    return list(found.values())
