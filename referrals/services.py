"""Every write of warm referrals: start, answer, go along, follow up, anonymise.

Whom to tell is decided here; the notifications (referrals.notifications) are rows written in
the same transaction as the change, so that a referral and the promise to tell the others about
it are saved together, whatever the broker or the mail server are doing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from accounts.policy import can_contact_neighbours
from activities.models import Activity
from buurt.models import Organisation
from moderation.models import AuditEntry
from neighbourhelp.models import HelpOffer
from networkmap.models import NetworkMap
from networkmap.policy import network_maps_visible_to

from . import policy
from .models import (
    FOLLOW_UP_WEEKS,
    FirstContact,
    FollowUp,
    Notification,
    Referral,
    follow_up_due_on,
)
from .notifications import notify

FINAL_OUTCOMES = (Referral.Outcome.NEVER, Referral.Outcome.STOPPED)


# --- Starting a referral ---------------------------------------------------------------------


def organisation_receives_referrals(organisation: Organisation) -> bool:
    """Only a published organisation with someone on Buurtkaart to answer."""
    return (
        Organisation.objects.public().filter(pk=organisation.pk).exists()
        and organisation.memberships.exists()
    )


def referral_create(
    *,
    worker,
    organisation: Organisation,
    needs: list[str],
    pseudonym: str,
    first_contact: str,
    consent: bool,
    note: str = "",
    give_back: str = "",
    activity: Activity | None = None,
    companion_offer: HelpOffer | None = None,
    network_map: NetworkMap | None = None,
) -> Referral:
    """A verified worker introduces a person to an association. Raises ValidationError."""
    if not policy.can_refer(worker):
        raise ValidationError(_("Only verified social workers can make referrals."))
    if not consent:
        raise ValidationError(
            {"consent": _("Ask your client first: a referral needs their agreement.")}
        )
    if not organisation_receives_referrals(organisation):
        raise ValidationError(_("This association does not receive referrals on Buurtkaart."))
    if activity is not None and (
        activity.organisation_id != organisation.pk
        or not Activity.objects.public().filter(pk=activity.pk).exists()
    ):
        raise ValidationError({"activity": _("Choose an activity of this association.")})
    if companion_offer is not None and not companion_offer_usable(companion_offer, worker=worker):
        raise ValidationError({"companion_offer": _("This person cannot go along now.")})
    if first_contact == FirstContact.COMPANION and companion_offer is None:
        raise ValidationError({"companion_offer": _("Choose who goes along the first time.")})
    if (
        network_map is not None
        and not network_maps_visible_to(worker).filter(pk=network_map.pk).exists()
    ):
        raise ValidationError({"network_map": _("Choose one of your own network maps.")})

    now = timezone.now()
    referral = Referral(
        worker=worker,
        organisation=organisation,
        activity=activity,
        neighbourhood_id=organisation.neighbourhood_id,
        pseudonym=pseudonym.strip(),
        # CodeListField stores a list; django-stubs types it as the CharField it extends.
        needs=list(dict.fromkeys(needs)),  # type: ignore[misc]
        note=note.strip(),
        consent_at=now,
        first_contact=first_contact,
        give_back=give_back,
        companion_offer=companion_offer,
        companion_status=Referral.CompanionStatus.ASKED if companion_offer else "",
        network_map=network_map,
    )
    referral.full_clean()
    with transaction.atomic():
        referral.save()
        notify(referral, Notification.Event.NEW, _members(referral))
        if companion_offer is not None:
            notify(referral, Notification.Event.COMPANION_ASKED, [companion_offer.helper])
    return referral


def companion_offer_usable(offer: HelpOffer, *, worker) -> bool:
    return (
        HelpOffer.objects.public().filter(pk=offer.pk).exists()
        and offer.helper_id != worker.pk
        and can_contact_neighbours(offer.helper)
    )


# --- The association answers ------------------------------------------------------------------


class Decision:
    ACCEPT = "accept"
    PROPOSE = "propose"
    DECLINE = "decline"
    ALL = (ACCEPT, PROPOSE, DECLINE)


def referral_respond(
    *,
    user,
    referral: Referral,
    decision: str,
    moment: datetime.datetime | None = None,
    note: str = "",
    reason: str = "",
) -> Referral:
    """A member of the receiving organisation accepts, proposes a first moment (which also
    accepts), or declines with a reason. An accepted referral may get a new moment."""
    if not policy.can_answer_referral(user, referral):
        raise ValidationError(_("Only the association's members can answer a referral."))
    if decision not in Decision.ALL:
        raise ValidationError(_("Choose accept, propose a moment or decline."))
    now = timezone.now()
    if decision == Decision.PROPOSE:
        if moment is None:
            raise ValidationError({"moment": _("Choose a day and time.")})
        if moment <= now:
            raise ValidationError({"moment": _("Choose a moment in the future.")})
    if decision == Decision.DECLINE and not reason:
        raise ValidationError({"reason": _("Say why, so the worker can look further.")})

    with transaction.atomic():
        # Two members answering at once: the second sees the first's answer.
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        first_answer = referral.status == Referral.Status.SENT
        if not (first_answer or (referral.is_open and decision == Decision.PROPOSE)):
            raise ValidationError(_("This referral has already been answered."))
        referral.responded_at = now
        referral.responded_by = user
        referral.response_note = note.strip()
        if decision == Decision.DECLINE:
            referral.status = Referral.Status.DECLINED
            referral.decline_reason = reason
        else:
            referral.status = Referral.Status.ACCEPTED
            referral.proposed_moment = moment if decision == Decision.PROPOSE else None
        referral.full_clean()
        referral.save()
        if referral.status == Referral.Status.ACCEPTED:
            _plan_follow_ups(referral, replan=not first_answer)
        event = (
            Notification.Event.DECLINED
            if referral.status == Referral.Status.DECLINED
            else Notification.Event.ACCEPTED
        )
        notify(referral, event, [referral.worker, *_companion_if_going(referral)])
    return referral


def _plan_follow_ups(referral: Referral, *, replan: bool) -> None:
    """2, 6 and 12 weeks after the first moment (or after the acceptance when there is none)."""
    start = timezone.localdate(referral.proposed_moment or referral.responded_at)
    for weeks in FOLLOW_UP_WEEKS:
        follow_up, created = FollowUp.objects.get_or_create(
            referral=referral, weeks=weeks, defaults={"due_on": follow_up_due_on(start, weeks)}
        )
        if not created and replan and follow_up.asked_at is None:
            follow_up.due_on = follow_up_due_on(start, weeks)
            follow_up.save(update_fields=["due_on"])


def referral_withdraw(*, user, referral: Referral) -> Referral:
    """The worker takes the referral back (the person changed their mind, say)."""
    if referral.worker_id != user.pk:
        raise ValidationError(_("Only the worker who made the referral can withdraw it."))
    if not referral.is_open:
        raise ValidationError(_("This referral is closed already."))
    with transaction.atomic():
        referral.status = Referral.Status.WITHDRAWN
        referral.save(update_fields=["status"])
        referral.follow_ups.filter(asked_at__isnull=True).delete()
        notify(
            referral,
            Notification.Event.WITHDRAWN,
            [*_members(referral), *_companion_if_going(referral, asked_too=True)],
        )
    return referral


# --- The companion ---------------------------------------------------------------------------


def companion_answer(*, user, referral: Referral, accept: bool) -> Referral:
    offer = referral.companion_offer
    if not (offer and offer.helper_id == user.pk):
        raise ValidationError(_("You were not asked to go along."))
    if referral.companion_status != Referral.CompanionStatus.ASKED or not referral.is_open:
        raise ValidationError(_("You have answered already."))
    with transaction.atomic():
        referral.companion_status = (
            Referral.CompanionStatus.ACCEPTED if accept else Referral.CompanionStatus.DECLINED
        )
        referral.save(update_fields=["companion_status"])
        notify(referral, Notification.Event.COMPANION_ANSWERED, [referral.worker])
    return referral


def _companion_if_going(referral: Referral, *, asked_too: bool = False) -> list:
    statuses = [Referral.CompanionStatus.ACCEPTED]
    if asked_too:
        statuses.append(Referral.CompanionStatus.ASKED)
    if referral.companion_status in statuses and referral.companion_offer is not None:
        return [referral.companion_offer.helper]
    return []


# --- Follow-up -------------------------------------------------------------------------------


def follow_ups_ask(*, today: datetime.date | None = None) -> int:
    """Ask the workers whose follow-up day has come (beat, daily). Each question once."""
    today = today or timezone.localdate()
    asked = 0
    for follow_up in FollowUp.objects.to_ask(today=today).select_related("referral__worker"):
        with transaction.atomic():
            claimed = FollowUp.objects.filter(pk=follow_up.pk, asked_at__isnull=True).update(
                asked_at=timezone.now()
            )
            if not claimed:
                continue  # another beat run got it
            notify(
                follow_up.referral,
                Notification.Event.FOLLOW_UP,
                [follow_up.referral.worker],
                follow_up=follow_up,
            )
            asked += 1
    return asked


def follow_up_answer(*, user, follow_up: FollowUp, answer: str) -> FollowUp:
    """The worker says whether the person went. A later answer may correct an earlier one."""
    referral = follow_up.referral
    if referral.worker_id != user.pk:
        raise ValidationError(_("Only the worker who made the referral can answer."))
    if answer not in FollowUp.Answer.values or not answer:
        raise ValidationError(_("Choose one of the answers."))
    if follow_up.asked_at is None:
        raise ValidationError(_("This question has not been asked yet."))
    with transaction.atomic():
        follow_up.answer = answer
        follow_up.answered_at = timezone.now()
        follow_up.save(update_fields=["answer", "answered_at"])
        referral.outcome = referral.follow_ups.exclude(answer="").latest("weeks").answer
        referral.still_going_at_12_weeks = referral.follow_ups.filter(
            weeks=FOLLOW_UP_WEEKS[-1], answer=Referral.Outcome.REGULARLY
        ).exists()
        referral.save(update_fields=["outcome", "still_going_at_12_weeks"])
    return follow_up


# --- Audit -----------------------------------------------------------------------------------


def referral_views_record(*, user, referrals: Iterable[Referral]) -> int:
    """One audit entry per referral shown to someone other than its worker.

    The entry names the referral by number only: the pseudonym must not outlive the referral
    in the audit log."""
    content_type = ContentType.objects.get_for_model(Referral)
    entries = [
        AuditEntry(
            actor=user,
            actor_repr=str(user)[:255],
            action=AuditEntry.Action.VIEW,
            content_type=content_type,
            object_id=referral.pk,
            target_repr=_("Referral #%(number)s") % {"number": referral.pk},
        )
        for referral in referrals
        if referral.worker_id != user.pk
    ]
    AuditEntry.objects.bulk_create(entries)
    return len(entries)


# --- Recipients ------------------------------------------------------------------------------


def _members(referral: Referral) -> list:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=referral.organisation_id, user__is_active=True
        ).select_related("user")
    ]


# --- Personal data ---------------------------------------------------------------------------


def referrals_export(user) -> list[dict]:
    """The referrals this worker made (their own records of their work)."""
    return [
        {
            "association": r.organisation.name,
            "pseudonym": r.pseudonym,
            "looking_for": r.needs,
            "status": r.status,
            "outcome": r.outcome,
            "sent_at": r.created_at.isoformat(),
        }
        for r in Referral.objects.made_by(user).select_related("organisation")
    ]


def referrals_anonymise_expired(*, now: datetime.datetime | None = None) -> int:
    """After REFERRAL_RETENTION_DAYS: no names, no texts, no links to people, dates to the
    month. What stays (organisation, neighbourhood, needs, outcome) only counts."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REFERRAL_RETENTION_DAYS)
    expired = Referral.objects.not_anonymised().created_before(cutoff)
    count = 0
    for referral in expired.iterator():
        with transaction.atomic():
            month = referral.created_at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
            Referral.objects.filter(pk=referral.pk).update(
                pseudonym="",
                note="",
                response_note="",
                worker=None,
                responded_by=None,
                companion_offer=None,
                network_map=None,
                activity=None,
                give_back="",
                proposed_moment=None,
                created_at=month,
                consent_at=month,
                responded_at=None,
                anonymised_at=now,
            )
            referral.follow_ups.all().delete()
            referral.notifications.all().delete()
            count += 1
    return count
