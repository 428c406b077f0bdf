"""Warm referrals: a worker introduces a person to an association, and checks back later.

Professional secrecy: a referral names the person by a first name or pseudonym only, says
what they are looking for in structured categories, and holds no medical reasons. After the
retention period every free text and every link to a person is removed; what stays is enough
to count (organisation, categories, month, outcome).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import CodeListField
from core.tokens import new_token

from .querysets import FollowUpQuerySet, NotificationQuerySet, ReferralQuerySet

# Follow-up questions to the worker, in weeks after the association accepted.
FOLLOW_UP_WEEKS = (2, 6, 12)


class Need(models.TextChoices):
    """What the person is looking for: structured, so that no one writes a diagnosis."""

    COMPANY = "company", _("Company, fewer lonely hours")
    MOVE = "move", _("Moving more")
    CREATIVE = "creative", _("Something creative")
    LANGUAGE = "language", _("Practising Dutch")
    PRACTICAL = "practical", _("Practical help")
    PEERS = "peers", _("Peers with a shared experience")
    MEANINGFUL = "meaningful", _("Doing something useful, volunteering")
    STRUCTURE = "structure", _("A weekly rhythm")


class FirstContact(models.TextChoices):
    CALL_WORKER = "call_worker", _("The association calls me (the worker) first")
    MEET_WELCOME = "meet_welcome", _("Meet at the activity with the welcome person")
    COMPANION = "companion", _("A companion goes along the first time")


class GiveBack(models.TextChoices):
    """Small ways to contribute: prompted, never required."""

    SET_UP = "set_up", _("Help set up chairs and tables")
    COOK = "cook", _("Bring soup or cake")
    WELCOME = "welcome", _("Welcome the next newcomer")
    SKILL = "skill", _("Share a skill (repairs, a language, a recipe)")
    TIDY = "tidy", _("Help tidy up afterwards")


# One small way to contribute that usually fits each kind of association: the form suggests it.
SUGGESTED_GIVE_BACK = {
    "culture": GiveBack.SET_UP,
    "sports": GiveBack.TIDY,
    "community_centre": GiveBack.COOK,
    "service_centre": GiveBack.COOK,
    "peer_group": GiveBack.WELCOME,
    "buddy_project": GiveBack.WELCOME,
    "youth": GiveBack.SKILL,
    "seniors": GiveBack.COOK,
    "language_cafe": GiveBack.SKILL,
    "social_restaurant": GiveBack.TIDY,
    "volunteering": GiveBack.SKILL,
}


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Waiting for the association")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class CompanionStatus(models.TextChoices):
        NONE = "", _("No companion")
        ASKED = "asked", _("Companion asked")
        ACCEPTED = "accepted", _("Companion said yes")
        DECLINED = "declined", _("Companion said no")

    class DeclineReason(models.TextChoices):
        FULL = "full", _("We are full at the moment")
        NOT_SUITABLE = "not_suitable", _("What we do does not fit this request")
        NO_CAPACITY = "no_capacity", _("We cannot welcome someone well right now")
        OTHER = "other", _("Another reason")

    class Outcome(models.TextChoices):
        """The worker's latest answer to "did the person go?"."""

        UNKNOWN = "", _("Not known yet")
        NEVER = "never", _("Never went")
        ONCE = "once", _("Went once")
        REGULARLY = "regularly", _("Goes regularly")
        STOPPED = "stopped", _("Went, then stopped")

    # Null after the worker's account is deleted or the referral is anonymised.
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals_made",
    )
    organisation = models.ForeignKey(
        "buurt.Organisation",
        verbose_name=_("association"),
        on_delete=models.CASCADE,
        related_name="referrals",
    )
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("activity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    # Kept after anonymisation, for statistics per neighbourhood.
    neighbourhood = models.ForeignKey(
        "buurt.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The worker's saved network map this referral was started from: seen by the worker only
    # (never on the association's pages); removed with the map or at anonymisation.
    network_map = models.ForeignKey(
        "networkmap.NetworkMap",
        verbose_name=_("network map"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    pseudonym = models.CharField(_("first name or pseudonym"), max_length=30, blank=True)
    needs = CodeListField(_("looking for"), max_length=200)
    note = models.TextField(_("note for the association"), max_length=600, blank=True)
    consent_at = models.DateTimeField(_("consent given on"))
    first_contact = models.CharField(_("first contact"), max_length=20, choices=FirstContact)
    give_back = models.CharField(_("could give back"), max_length=20, choices=GiveBack, blank=True)
    companion_offer = models.ForeignKey(
        "neighbourhelp.HelpOffer",
        verbose_name=_("companion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    companion_status = models.CharField(
        _("companion"), max_length=10, choices=CompanionStatus.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SENT, db_index=True
    )
    responded_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_moment = models.DateTimeField(_("proposed first moment"), null=True, blank=True)
    response_note = models.TextField(_("message from the association"), max_length=600, blank=True)
    decline_reason = models.CharField(
        _("reason"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, blank=True, db_index=True
    )
    # Set when the 12-week answer is "goes regularly": the statistic "still going".
    still_going_at_12_weeks = models.BooleanField(_("still going after 12 weeks"), default=False)
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True, db_index=True)
    anonymised_at = models.DateTimeField(_("anonymised on"), null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="declined") | ~models.Q(decline_reason=""),
                name="referral_decline_has_reason",
            ),
        ]

    def __str__(self):
        # No pseudonym: __str__ ends up in the admin, logs and audit entries.
        return f"#{self.pk} → {self.organisation}"

    def get_absolute_url(self):
        return reverse("referrals:detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.SENT, self.Status.ACCEPTED)

    @property
    def need_labels(self) -> list[str]:
        labels = dict(Need.choices)
        return [str(labels[code]) for code in self.needs if code in labels]

    @property
    def companion_user(self):
        return self.companion_offer.helper if self.companion_offer_id else None


class FollowUp(models.Model):
    """One question to the worker, N weeks after the association accepted: did they go?"""

    Answer = Referral.Outcome

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    weeks = models.PositiveSmallIntegerField(_("weeks after"))
    due_on = models.DateField(_("due on"))
    asked_at = models.DateTimeField(_("asked on"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=10, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    # The one-click links in the e-mail carry it; they also need the worker to be signed in.
    token = models.CharField(max_length=64, default=new_token, unique=True, editable=False)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "weeks"], name="one_follow_up_per_week")
        ]

    def __str__(self):
        return f"{self.referral} ({self.weeks})"

    def answer_url(self, answer: str) -> str:
        return reverse("referrals:follow-up-link", args=[self.pk, self.token, answer])


class Notification(models.Model):
    """An e-mail about a referral, written in the same transaction as the change it reports.

    The row is the promise that the e-mail goes out: it is queued when the transaction commits
    and again by a beat task while it is pending (the broker was down, a worker died), retried
    when the mail server refuses, and shown on the dashboard when it failed for good.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Could not be sent")

    class Event(models.TextChoices):
        NEW = "new", _("New referral")
        COMPANION_ASKED = "companion_asked", _("Asked to go along")
        COMPANION_ANSWERED = "companion_answered", _("Companion answered")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        FOLLOW_UP = "follow_up", _("Follow-up question")

    referral = models.ForeignKey(
        Referral,
        verbose_name=_("referral"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("to"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    event = models.CharField(_("about"), max_length=20, choices=Event.choices)
    follow_up = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    queued_at = models.DateTimeField(_("last queued on"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_event_display()} → {self.recipient}"


def follow_up_due_on(start: datetime.date, weeks: int) -> datetime.date:
    return start + datetime.timedelta(weeks=weeks)
