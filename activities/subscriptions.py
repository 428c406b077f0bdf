"""Calendars an organisation subscribes to: an iCal feed, or its events in UiTdatabank.

A sync reads the calendar and makes the organisation's imported activities match it: new
events become drafts (or are published at once when the subscription says so), changed
ones are updated, ones that left the calendar are cancelled (drafts deleted). Activities
made by hand have no subscription and are never touched. A feed is read with conditional
requests (ETag, Last-Modified); one that fails keeps its activities and says why.
"""

from __future__ import annotations

import datetime
import json
import logging
from dataclasses import asdict, dataclass, field
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import policy
from buurt.models import Organisation
from core import fetch
from core.moderation import ModerationState

from . import ical, uit
from .models import Activity, CalendarSubscription, Occurrence
from .services import activity_needs_review, activity_save

logger = logging.getLogger(__name__)

# Shown on the dashboard for a subscription whose last reading failed.
ERROR_MESSAGES = {
    "scheme": gettext_lazy("Only http:// and https:// addresses can be read."),
    "url": gettext_lazy("This is not a valid web address."),
    "private_address": gettext_lazy(
        "This address points into a private or local network: it is refused."
    ),
    "dns": gettext_lazy("The name of this server could not be found."),
    "timeout": gettext_lazy("The calendar did not answer in time."),
    "connection": gettext_lazy("The calendar's server could not be reached."),
    "status": gettext_lazy("The calendar's server answered with an error (HTTP %(detail)s)."),
    "too_large": gettext_lazy("The calendar is larger than we read (at most %(limit)s MB)."),
    "too_many_events": gettext_lazy(
        "The calendar has more coming events than we read (at most %(events)s)."
    ),
    "redirects": gettext_lazy("The address sends us on too many times."),
    "not_ical": gettext_lazy(
        "This address does not give an iCalendar (.ics) file. In Google Calendar, copy the "
        "“public address in iCal format”; in Outlook, the ICS link of a published calendar."
    ),
    "uit_key": gettext_lazy("UiTdatabank cannot be read: the API key is not configured."),
    "uit_answer": gettext_lazy("UiTdatabank gave an answer we cannot read."),
}


def error_message(subscription: CalendarSubscription) -> str:
    if not subscription.error_code:
        return ""
    message = ERROR_MESSAGES.get(subscription.error_code, ERROR_MESSAGES["connection"])
    return str(message) % {
        "detail": subscription.error_detail[:20],
        "limit": round(settings.ICAL_IMPORT_MAX_BYTES / 1_000_000, 1),
        "events": settings.ICAL_IMPORT_MAX_EVENTS,
    }


def subscriptions_failing(organisations) -> list[tuple[CalendarSubscription, str]]:
    """The subscriptions of these organisations whose last reading failed, with why."""
    failing = CalendarSubscription.objects.filter(organisation__in=organisations).exclude(
        error_code=""
    )
    return [(subscription, error_message(subscription)) for subscription in failing]


@dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    cancelled: int = 0
    deleted: int = 0
    not_modified: bool = False
    error: str = ""
    skipped: list[tuple[str, str]] = field(default_factory=list)


# --- subscribing ----------------------------------------------------------------------------


def _check_url(url: str) -> str:
    url = url.strip()
    try:
        parts = urlsplit(url)
        if parts.scheme.lower() == "webcal":
            # Calendar programs' own scheme for the same feed over https.
            url = "https" + url[len(parts.scheme) :]
            parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # "http://[::1": an unclosed or invalid IPv6 address
        raise ValidationError({"source": ERROR_MESSAGES["url"]}, code="url") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ValidationError({"source": ERROR_MESSAGES["scheme"]}, code="scheme")
    if not hostname or len(url) > 2000:
        raise ValidationError({"source": ERROR_MESSAGES["url"]}, code="url")
    return url


@transaction.atomic
def subscription_subscribe(
    *,
    organisation: Organisation,
    source: str,
    kind: str = CalendarSubscription.Kind.ICAL,
    publish: bool = False,
    user=None,
) -> CalendarSubscription:
    """Subscribe the organisation to a calendar, or update the subscription it has to it.
    A `user` must be allowed to edit the organisation (None: from the shell)."""
    if user is not None and not policy.can_edit_organisation(user, organisation):
        raise PermissionDenied
    if kind == CalendarSubscription.Kind.ICAL:
        source = _check_url(source)
    else:
        source = source.strip().rsplit("/", 1)[-1][:200]
        if not source:
            raise ValidationError({"source": ERROR_MESSAGES["url"]}, code="url")
    subscription, _created = CalendarSubscription.objects.get_or_create(
        organisation=organisation,
        kind=kind,
        source=source,
        defaults={"publish": publish, "created_by": user if user is not None else None},
    )
    if subscription.publish != publish:
        subscription.publish = publish
        subscription.save(update_fields=["publish"])
    return subscription


@transaction.atomic
def subscription_delete(*, subscription: CalendarSubscription, user) -> None:
    """Stop reading the calendar. Its activities stay, as if they had been made by hand."""
    if not policy.can_edit_organisation(user, subscription.organisation):
        raise PermissionDenied
    subscription.delete()


# --- syncing --------------------------------------------------------------------------------

# What a reading stores on its subscription.
SYNC_FIELDS = (
    "etag",
    "last_modified",
    "synced_at",
    "succeeded_at",
    "error_code",
    "error_detail",
    "last_report",
)


def subscription_sync(
    *, subscription: CalendarSubscription, now: datetime.datetime | None = None
) -> SyncReport:
    """Read the calendar once and apply it; the outcome is stored on the subscription."""
    now = now or timezone.now()
    report = SyncReport()
    try:
        if subscription.kind == CalendarSubscription.Kind.UIT:
            events = _read_uit(subscription, report)
        else:
            events = _read_ical(subscription, report, now)
        if events is not None:
            with transaction.atomic():
                # One reading applies at a time (the hourly one and "Read now" may meet), and
                # not to a subscription stopped while its feed was being read.
                locked = CalendarSubscription.objects.select_for_update().filter(pk=subscription.pk)
                if not locked.exists():
                    return report
                _apply(subscription, events, report, now)
    except fetch.FetchError as error:
        report.error = error.code
        subscription.error_code, subscription.error_detail = error.code, error.detail[:500]
    except ical.NotICalendar as error:
        report.error = "not_ical"
        subscription.error_code, subscription.error_detail = "not_ical", str(error)[:500]
    else:
        subscription.error_code = subscription.error_detail = ""
        subscription.succeeded_at = now
    subscription.synced_at = now
    subscription.last_report = {k: v for k, v in asdict(report).items() if k != "skipped"} | {
        "skipped": [list(item) for item in report.skipped[:50]]
    }
    # An update, not save(): a subscription stopped meanwhile must not come back.
    CalendarSubscription.objects.filter(pk=subscription.pk).update(
        **{name: getattr(subscription, name) for name in SYNC_FIELDS}
    )
    if report.error:
        logger.info("calendar %s: %s", subscription.pk, report.error)
    return report


def _read_ical(
    subscription: CalendarSubscription, report: SyncReport, now: datetime.datetime
) -> list[tuple[ical.FeedEvent | dict, bool]] | None:
    fetched = fetch.fetch(
        subscription.source,
        etag=subscription.etag,
        last_modified=subscription.last_modified,
        timeout=settings.ICAL_IMPORT_TIMEOUT,
        max_bytes=settings.ICAL_IMPORT_MAX_BYTES,
        allow_private=settings.ICAL_IMPORT_ALLOW_PRIVATE_HOSTS,
        accept="text/calendar, */*;q=0.5",
    )
    if fetched.status == 304:
        report.not_modified = True
        return None
    reading = ical.read(fetched.body, default_zone=settings.TIME_ZONE, now=now)
    if len(reading.events) > settings.ICAL_IMPORT_MAX_EVENTS:
        # 5 MB hold some 20,000 events, each an activity with up to a year of dates: refused
        # as a whole (nothing changes) rather than cut at a point the feed did not choose.
        raise fetch.FetchError("too_many_events", str(len(reading.events)))
    report.skipped += reading.skipped
    subscription.etag, subscription.last_modified = fetched.etag[:500], fetched.last_modified[:100]
    events: list = [(event, True) for event in reading.events]
    # Events wholly in the past are still in the feed: what was imported of them stays as is.
    events += [(key, False) for key in reading.past]
    return events


def _uit_pages(subscription: CalendarSubscription):
    if not settings.UITDATABANK_API_KEY:
        raise fetch.FetchError("uit_key")
    start, limit = 0, 50
    while True:
        query = urlencode(
            {"organizerId": subscription.source, "embed": "true", "start": start, "limit": limit}
        )
        fetched = fetch.fetch(
            f"{settings.UITDATABANK_SEARCH_URL.rstrip('/')}/events/?{query}",
            timeout=settings.ICAL_IMPORT_TIMEOUT,
            max_bytes=settings.ICAL_IMPORT_MAX_BYTES,
            # Our own setting, not a member's input: a local mirror or test server is fine.
            allow_private=True,
            accept="application/ld+json, application/json",
            extra_headers={"x-api-key": settings.UITDATABANK_API_KEY},
        )
        try:
            data = json.loads(fetched.body)
            members = data.get("member") or []
            total = int(data.get("totalItems") or 0)
        except (ValueError, TypeError, AttributeError):
            raise fetch.FetchError("uit_answer") from None
        yield from (m for m in members if isinstance(m, dict))
        start += limit
        if not members or start >= total or start >= 2000:
            return


def _read_uit(subscription: CalendarSubscription, report: SyncReport) -> list:
    return [(event, True) for event in _uit_pages(subscription)]


def _feed_fields_differ(activity: Activity, fields: dict) -> bool:
    for name, value in fields.items():
        current = getattr(activity, name)
        if name == "category":
            continue  # chosen by the member after the first import
        if current != value:
            return True
    return False


def _apply(
    subscription: CalendarSubscription, events: list, report: SyncReport, now: datetime.datetime
) -> None:
    """Make the subscription's activities match what the calendar gives."""
    imported = {a.feed_key: a for a in subscription.activities.all()}
    seen: set[str] = set()
    author = subscription.created_by or AnonymousUser()
    for event, live in events:
        if subscription.kind == CalendarSubscription.Kind.UIT:
            key = _apply_uit(subscription, event, imported, report)
            if key:
                seen.add(key)
            continue
        if not live:
            seen.add(event)
            continue
        seen.add(event.key)
        with transaction.atomic():
            try:
                _apply_ical(subscription, event, imported.get(event.key), author, report, now)
            except ValidationError as error:
                report.skipped.append((event.key, "; ".join(error.messages)))
    for key, activity in imported.items():
        if key in seen or activity.status in (Activity.Status.CANCELLED, Activity.Status.ARCHIVED):
            continue
        _remove(activity, report)


def _remove(activity: Activity, report: SyncReport) -> None:
    """An event that left the calendar: a draft goes, a published activity is cancelled so
    that those who planned to come see it."""
    with transaction.atomic():
        registered = Occurrence.objects.filter(activity=activity, registrations__isnull=False)
        if activity.status == Activity.Status.DRAFT and not registered.exists():
            activity.delete()
            report.deleted += 1
            return
        activity.status = Activity.Status.CANCELLED
        activity.cancel_notice = _("This activity was removed from the organisation's calendar.")
        activity.save(update_fields=["status", "cancel_notice", "updated_at"])
        report.cancelled += 1


def _apply_ical(
    subscription: CalendarSubscription,
    event: ical.FeedEvent,
    activity: Activity | None,
    author,
    report: SyncReport,
    now: datetime.datetime,
) -> None:
    if activity is None:
        if event.cancelled:
            return  # never shown here: nothing to cancel
        activity = Activity(
            organisation=subscription.organisation,
            subscription=subscription,
            feed_key=event.key,
            **event.fields,
        )
        if subscription.publish:
            activity.status = Activity.Status.PUBLISHED
            activity.moderation_state = (
                ModerationState.PENDING
                if activity_needs_review(author, activity)
                else ModerationState.APPROVED
            )
        activity_save(activity=activity, now=now)
        report.created += 1
    else:
        changed = _feed_fields_differ(activity, event.fields)
        fields = {k: v for k, v in event.fields.items() if k != "category"}
        for name, value in fields.items():
            setattr(activity, name, value)
        if event.cancelled and activity.status != Activity.Status.CANCELLED:
            activity.status = Activity.Status.CANCELLED
            activity.cancel_notice = _(
                "This activity was cancelled in the organisation's calendar."
            )
            changed = True
        elif not event.cancelled and activity.status == Activity.Status.CANCELLED:
            # Back in the calendar: shown again as it was before it was removed.
            activity.status = Activity.Status.PUBLISHED
            activity.cancel_notice = ""
            changed = True
        if changed:
            activity_save(activity=activity, now=now)
            report.updated += 1
        else:
            report.unchanged += 1
    _cancel_dates(activity, event.cancelled_starts)


def _cancel_dates(activity: Activity, starts: list[datetime.datetime]) -> None:
    """Dates the calendar cancelled are shown cancelled; those it no longer cancels (and
    that it had cancelled, not the member) come back."""
    wanted = {s.isoformat() for s in starts}
    before = set(activity.feed_cancelled)
    if wanted == before and not wanted:
        return
    occurrences = activity.occurrences.filter(starts_at__in=[*starts, *map(_instant, before)])
    for occurrence in occurrences:
        key = occurrence.starts_at.astimezone(datetime.UTC).isoformat()
        cancelled = key in wanted
        if occurrence.is_cancelled != cancelled:
            occurrence.is_cancelled = cancelled
            occurrence.save(update_fields=["is_cancelled"])
    if wanted != before:
        activity.feed_cancelled = sorted(wanted)
        activity.save(update_fields=["feed_cancelled"])


def _instant(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text)


def _apply_uit(
    subscription: CalendarSubscription, event: dict, imported: dict, report: SyncReport
) -> str:
    uit_id = str(event.get("@id") or "").strip()
    existing = Activity.objects.filter(uit_id=uit_id).first() if uit_id else None
    if existing is not None and existing.organisation_id != subscription.organisation_id:
        report.skipped.append((uit_id, "imported for another organisation"))
        return ""
    counts = uit.ImportReport()
    try:
        activity = uit.event_import(
            event,
            report=counts,
            organisation=subscription.organisation,
            publish=subscription.publish,
        )
    except uit.Skip as skip:
        report.skipped.append((uit_id or "?", str(skip)))
        return uit_id
    if activity.subscription_id != subscription.pk or activity.feed_key != uit_id:
        activity.subscription, activity.feed_key = subscription, uit_id
        activity.save(update_fields=["subscription", "feed_key"])
    report.created += counts.created
    report.updated += counts.updated
    return uit_id
