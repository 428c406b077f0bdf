"""When a listing counts as confirmed, due for review, or possibly out of date.

Organisation.assured_on is the day a person last confirmed the listing (HSDS assured_date),
Organisation.assurer who (a member, a moderator, an import). Months are calendar months
(dateutil), so "6 months after 31 August" is 28 February.
"""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone


def _months_before(months: int, today: datetime.date | None) -> datetime.date:
    return (today or timezone.localdate()) - relativedelta(months=months)


def review_due_before(today: datetime.date | None = None) -> datetime.date:
    """Listings confirmed on or before this day are due for a review (LISTING_REVIEW_MONTHS)."""
    return _months_before(settings.LISTING_REVIEW_MONTHS, today)


def outdated_before(today: datetime.date | None = None) -> datetime.date:
    """Listings confirmed before this day are "possibly out of date" (LISTING_OUTDATED_MONTHS);
    confirmed on or after it, they count as confirmed in the last 12 months."""
    return _months_before(settings.LISTING_OUTDATED_MONTHS, today)


def unanswered_since(now: datetime.datetime | None = None) -> datetime.datetime:
    """A review asked before this moment and not answered goes to the freshness queue."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.LISTING_REVIEW_ANSWER_DAYS)
