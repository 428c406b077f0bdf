"""Every write to activities, occurrences and registrations. Atomic, validated with full_clean()."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import policy
from buurt.models import GeocodeStatus
from buurt.services import address_locate, address_place_on_commit, address_status_update
from core.moderation import ModerationState
from core.tasks import enqueue_on_commit
from moderation.services import submission_state

from . import recurrence
from .models import Activity, Occurrence, Registration

HORIZON = datetime.timedelta(days=recurrence.HORIZON_DAYS)


def schedule_of(activity: Activity) -> recurrence.Schedule:
    return activity.schedule()


def activity_start_align(activity: Activity) -> bool:
    """Move the first date to the first one the rule gives (on or after it), keeping the
    hours: for the form ("the first time is Monday 4 January") and for imports, where a
    periodic event's start date need not be one of its weekdays. True when it moved."""
    if not activity.rrule:
        return False
    try:
        schedule = recurrence.aligned(activity.schedule())
    except ValidationError:
        return False  # an unreadable rule: activity_validate says why
    moved = schedule.starts_at != activity.starts_at
    activity.starts_at, activity.ends_at = schedule.starts_at, schedule.ends_at
    return moved


def activity_validate(activity: Activity) -> None:
    """full_clean() plus the schedule: a rule that gives absurdly many dates is refused."""
    activity.full_clean()
    try:
        recurrence.check(schedule_of(activity))
    except ValidationError as error:
        raise ValidationError({"rrule": error.messages}) from None


def _place(activity: Activity) -> bool:
    """Set point and neighbourhood from the venue; True when an address must be placed."""
    if activity.venue == Activity.Venue.ORGANISATION:
        activity.point = activity.organisation.point
        activity.neighbourhood = activity.organisation.neighbourhood
        activity.geocode_status = activity.organisation.geocode_status
        return False
    if activity.venue in (Activity.Venue.ONLINE, Activity.Venue.PHONE):
        activity.point, activity.neighbourhood = None, None
        activity.geocode_status = GeocodeStatus.NONE
        return False
    place = address_status_update(activity)
    address_locate(obj=activity)
    return place


@transaction.atomic
def activity_save(*, activity: Activity, languages=None, network_models=None, now=None) -> Activity:
    """Validate and save an activity, place it and refresh its occurrences.

    Another address is placed after the commit by a task, as every PlacedAddress is."""
    activity_validate(activity)
    place = _place(activity)
    activity.save()
    if languages is not None:
        activity.languages.set(languages)
    if network_models is not None:
        activity.network_models.set(network_models)
    occurrences_refresh(activity=activity, now=now)
    if place:
        address_place_on_commit(activity)
    return activity


def occurrences_refresh(*, activity: Activity, now: datetime.datetime | None = None) -> int:
    """Materialise the occurrences of the rolling horizon (from now to a year ahead).

    Existing ones keep their id (and registrations, and a cancellation); future ones the
    schedule no longer gives are deleted unless someone registered for them, in which case
    they are kept, cancelled, so that those people can be told."""
    now = now or timezone.now()
    start, end = min(now, activity.starts_at.replace(microsecond=0)), now + HORIZON
    wanted = dict(recurrence.occurrences(schedule_of(activity), start=start, end=end))
    existing = {o.starts_at: o for o in activity.occurrences.filter(starts_at__gte=start)}
    for starts_at, occurrence in existing.items():
        if starts_at in wanted:
            if occurrence.ends_at != wanted[starts_at]:
                occurrence.ends_at = wanted[starts_at]
                occurrence.save(update_fields=["ends_at"])
        elif occurrence.starts_at >= now:
            if occurrence.registrations.exists():
                occurrence.is_cancelled = True
                occurrence.save(update_fields=["is_cancelled"])
            else:
                occurrence.delete()
    new = [
        Occurrence(activity=activity, starts_at=s, ends_at=e)
        for s, e in wanted.items()
        if s not in existing
    ]
    Occurrence.objects.bulk_create(new)
    return len(new)


def occurrences_refresh_all(*, now: datetime.datetime | None = None) -> int:
    """The beat task: move every live activity's horizon on by a day."""
    count = 0
    live = Activity.objects.exclude(status=Activity.Status.ARCHIVED).exclude(rrule="")
    for activity in live.iterator():
        count += occurrences_refresh(activity=activity, now=now)
    return count


def _check_editor(user, activity: Activity) -> None:
    if not policy.can_edit_organisation(user, activity.organisation):
        raise PermissionDenied


def activity_needs_review(author, activity: Activity) -> bool:
    """The first activities of an unverified organisation wait for a moderator."""
    if policy.is_moderator(author) or activity.organisation.is_verified:
        return False
    return (
        not Activity.objects.filter(
            organisation=activity.organisation, moderation_state=ModerationState.APPROVED
        )
        .exclude(pk=activity.pk)
        .exclude(status=Activity.Status.DRAFT)
        .exists()
    )


@transaction.atomic
def activity_publish(*, activity: Activity, user) -> Activity:
    _check_editor(user, activity)
    if activity.status not in (Activity.Status.DRAFT, Activity.Status.ARCHIVED):
        return activity
    activity.moderation_state = submission_state(author=user, target=activity)
    activity.status = Activity.Status.PUBLISHED
    activity.save(update_fields=["status", "moderation_state", "updated_at"])
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, user, notice: str) -> Activity:
    """Cancel the whole series: it stays visible with the notice, in pages and feeds."""
    _check_editor(user, activity)
    activity.status = Activity.Status.CANCELLED
    activity.cancel_notice = notice.strip()[:1000]
    activity.save(update_fields=["status", "cancel_notice", "updated_at"])
    return activity


@transaction.atomic
def activity_archive(*, activity: Activity, user) -> Activity:
    _check_editor(user, activity)
    activity.status = Activity.Status.ARCHIVED
    activity.save(update_fields=["status", "updated_at"])
    return activity


@transaction.atomic
def activity_duplicate(*, activity: Activity, user) -> Activity:
    """A draft copy with the same schedule and fit, to adapt and publish."""
    _check_editor(user, activity)
    languages = list(activity.languages.all())
    models = list(activity.network_models.all())
    copy = Activity.objects.get(pk=activity.pk)
    copy.pk = None
    copy.id = None
    copy.uit_id = None
    for field in Activity.IDENTIFIER_FIELDS:  # a new activity: new open data identifiers
        setattr(copy, field, uuid.uuid4())
    copy.title = _("%(title)s (copy)") % {"title": activity.title}
    copy.title = copy.title[:200]
    copy.status = Activity.Status.DRAFT
    copy.cancel_notice = ""
    copy.moderation_state = ModerationState.APPROVED
    copy._state.adding = True
    return activity_save(activity=copy, languages=languages, network_models=models)


@transaction.atomic
def occurrence_cancel(*, occurrence: Occurrence, user, cancelled: bool = True) -> Occurrence:
    """Cancel (or restore) one date without touching the series."""
    _check_editor(user, occurrence.activity)
    occurrence.is_cancelled = cancelled
    occurrence.save(update_fields=["is_cancelled"])
    return occurrence


# --- Registrations ------------------------------------------------------------------------


class RegistrationRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def registration_create(
    *, occurrence_id: int, user, name: str = "", for_someone_else: bool = False
) -> Registration:
    """A place for the user (or, from a verified worker, for someone they name), or a place on
    the waiting list when it is full.

    The occurrence row is locked (SELECT ... FOR UPDATE) while the confirmed places are
    counted, so that two people registering at once cannot both take the last place. SQLite
    has no row locks but serialises writers for the whole database."""
    if not policy.is_resident(user):
        raise PermissionDenied
    if for_someone_else and not policy.is_verified_worker(user):
        raise PermissionDenied
    name = (
        (name or "").strip() if for_someone_else else (user.first_name or user.email.split("@")[0])
    )
    if not name:
        raise RegistrationRefused(_("Give a first name or a pseudonym."))
    with transaction.atomic():
        occurrence = (
            Occurrence.objects.select_for_update()
            .filter(pk=occurrence_id)
            .public(include_cancelled=True)
            .select_related("activity")
            .first()
        )
        if occurrence is None:
            raise Occurrence.DoesNotExist
        activity = occurrence.activity
        if not activity.registration_required:
            raise RegistrationRefused(_("This activity needs no registration: just come."))
        if (
            occurrence.is_cancelled
            or activity.status != Activity.Status.PUBLISHED
            or occurrence.starts_at < timezone.now()
        ):
            raise RegistrationRefused(_("You can no longer register for this date."))
        active = occurrence.registrations.exclude(status=Registration.Status.CANCELLED)
        if not for_someone_else and active.filter(user=user, for_someone_else=False).exists():
            raise RegistrationRefused(_("You are already registered for this date."))
        confirmed = active.filter(status=Registration.Status.CONFIRMED).count()
        full = activity.capacity is not None and confirmed >= activity.capacity
        registration = Registration(
            occurrence=occurrence,
            user=user,
            name=name[:60],
            for_someone_else=for_someone_else,
            status=Registration.Status.WAITING if full else Registration.Status.CONFIRMED,
        )
        registration.full_clean()
        registration.save()
        _notify_on_commit(registration.pk, "new")
    return registration


def registration_cancel(*, registration: Registration, user) -> Registration:
    """Cancel a place; the first person on the waiting list moves up."""
    if registration.user_id != user.pk and not policy.can_edit_organisation(
        user, registration.occurrence.activity.organisation
    ):
        raise PermissionDenied
    with transaction.atomic():
        occurrence = Occurrence.objects.select_for_update().get(pk=registration.occurrence_id)
        registration = Registration.objects.get(pk=registration.pk)
        was_confirmed = registration.status == Registration.Status.CONFIRMED
        registration.status = Registration.Status.CANCELLED
        registration.save(update_fields=["status"])
        if was_confirmed:
            waiting = (
                occurrence.registrations.filter(status=Registration.Status.WAITING)
                .order_by("created_at", "pk")
                .first()
            )
            if waiting:
                waiting.status = Registration.Status.CONFIRMED
                waiting.save(update_fields=["status"])
                _notify_on_commit(waiting.pk, "moved_up")
    return registration


def _notify_on_commit(registration_id: int, event: str) -> None:
    from .tasks import registration_notify_task

    enqueue_on_commit(registration_notify_task, registration_id, event)
