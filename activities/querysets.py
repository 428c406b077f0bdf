"""Named filters for activities and their occurrences."""

import datetime

from django.db import models
from django.utils import timezone

from buurt.querysets import published_organisations_q
from moderation.states import ModerationState

PUBLIC_STATUSES = ("published", "cancelled")


def public_activities_q(prefix: str = "") -> models.Q:
    """Published (or cancelled, shown with its notice), approved, of a public organisation."""
    return models.Q(
        **{
            f"{prefix}status__in": PUBLIC_STATUSES,
            f"{prefix}moderation_state": ModerationState.APPROVED,
        }
    ) & published_organisations_q(f"{prefix}organisation__")


class ActivityQuerySet(models.QuerySet):
    def published(self):
        return self.filter(public_activities_q())

    def on_map(self):
        """Published activities, not cancelled, at a venue with a point."""
        return self.filter(public_activities_q(), status="published", point__isnull=False)


class OccurrenceQuerySet(models.QuerySet):
    def public(self):
        return self.filter(public_activities_q("activity__"))

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
