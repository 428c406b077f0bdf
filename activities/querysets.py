"""Named filters for activities and their occurrences."""

import datetime

from django.db import models
from django.utils import timezone

from buurt.querysets import public_organisations_q
from core.moderation import ModerationState


def public_activities_q(prefix: str = "", *, include_cancelled: bool = False) -> models.Q:
    """Approved, of a public organisation and published; with `include_cancelled`, also those
    cancelled after publication (their pages and feeds still show them, with a notice).
    `prefix` reaches activities through a relation: "activity__"."""
    statuses = ("published", "cancelled") if include_cancelled else ("published",)
    return models.Q(
        **{
            f"{prefix}status__in": statuses,
            f"{prefix}moderation_state": ModerationState.APPROVED,
        }
    ) & public_organisations_q(f"{prefix}organisation__")


class ActivityQuerySet(models.QuerySet):
    def public(self, *, include_cancelled: bool = False):
        """What anyone may see and join or be referred to: approved, published, of a public
        organisation. Cancelled ones only with `include_cancelled` (pages, feeds, reports)."""
        return self.filter(public_activities_q(include_cancelled=include_cancelled))

    def on_map(self):
        """Public activities (not cancelled) at a venue with a point."""
        return self.public().filter(point__isnull=False)


class OccurrenceQuerySet(models.QuerySet):
    def public(self, *, include_cancelled: bool = False):
        """Dates of public activities. Cancelled ones, of the date or of its whole activity,
        only with `include_cancelled`."""
        if include_cancelled:
            return self.filter(public_activities_q("activity__", include_cancelled=True))
        return self.filter(public_activities_q("activity__"), is_cancelled=False)

    def upcoming(self, *, now: datetime.datetime | None = None):
        return self.filter(ends_at__gte=now or timezone.now())

    def between(self, first: datetime.date | None, last: datetime.date | None):
        """Occurrences that start on a day from `first` to `last` (local dates, inclusive)."""
        queryset = self
        if first:
            queryset = queryset.filter(starts_at__gte=_day_start(first))
        if last:
            queryset = queryset.filter(starts_at__lt=_day_start(last + datetime.timedelta(days=1)))
        return queryset


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
