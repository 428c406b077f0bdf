"""Neighbour help: offers of small help, requests for it, and the matches between them.

Privacy: a private person's exact location (`private_point`) never leaves the server and no
answer to anyone else depends on it: it is kept for the person's own data export. What may be
shown, and what every distance, listing and order is computed from, is `public_point`: one
coarsened point computed once when the location is set (never fresh noise per request:
repeated noise averages out). An answer computed from the exact point would be an oracle that
repeated requests at chosen addresses could probe (neighbourhelp.selectors.public_distance_m).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import CodeListField
from core.moderation import ModerationState
from core.tokens import new_token
from core.validators import validate_pseudonym

from .querysets import HelpMatchQuerySet, HelpOfferQuerySet, HelpRequestQuerySet


class Category(models.TextChoices):
    SHOPPING = "shopping", _("Shopping")
    MEAL = "meal", _("A meal")
    ODD_JOBS = "odd_jobs", _("Odd jobs")
    GARDEN = "garden", _("Garden")
    PAPERWORK = "paperwork", _("Paperwork and forms")
    LIFT = "lift", _("A lift")
    COMPANY = "company", _("Company and walks")
    BUDDY = "buddy", _("Being a buddy")
    BABYSITTING = "babysitting", _("Babysitting or a sleep-over")
    DIGITAL = "digital", _("Digital help")
    DUTCH = "dutch", _("Practising Dutch")


class TimeSlot(models.TextChoices):
    WEEKDAY_MORNING = "weekday_morning", _("Weekday mornings")
    WEEKDAY_AFTERNOON = "weekday_afternoon", _("Weekday afternoons")
    WEEKDAY_EVENING = "weekday_evening", _("Weekday evenings")
    WEEKEND = "weekend", _("Weekends")


class HelpLanguage(models.TextChoices):
    DUTCH = "nl", "Nederlands"
    FRENCH = "fr", "Français"
    ENGLISH = "en", "English"
    ARABIC = "ar", "العربية"
    TURKISH = "tr", "Türkçe"
    SPANISH = "es", "Español"
    POLISH = "pl", "Polski"
    BULGARIAN = "bg", "Български"
    UKRAINIAN = "uk", "Українська"


class PrivateLocation(models.Model):
    private_point = models.PointField(
        _("exact location (private)"), geography=True, srid=4326, editable=False
    )
    public_point = models.PointField(
        _("approximate location"), geography=True, srid=4326, editable=False
    )
    neighbourhood = models.ForeignKey(
        "buurt.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        abstract = True

    @property
    def area_name(self) -> str:
        return self.neighbourhood.name if self.neighbourhood_id else str(_("Gent"))


class HelpOffer(PrivateLocation):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused until next month")
        EXPIRED = "expired", _("Expired")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("helper"),
        on_delete=models.CASCADE,
        related_name="help_offers",
    )
    categories = CodeListField(_("what you can help with"), max_length=300)
    times = CodeListField(_("when you are available"), max_length=200)
    languages = CodeListField(_("languages"), max_length=100)
    max_distance_m = models.PositiveIntegerField(
        _("how far you will go (metres)"),
        validators=[MinValueValidator(100), MaxValueValidator(10_000)],
        default=1000,
    )
    capacity_per_month = models.PositiveSmallIntegerField(
        _("at most this many helps a month"),
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        default=2,
    )
    description = models.TextField(_("about your offer"), max_length=2000, blank=True)
    in_return = models.CharField(_("what you would enjoy in return"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE
    )
    paused_until = models.DateTimeField(_("paused until"), null=True, blank=True)
    moderation_state = models.CharField(
        _("moderation"),
        max_length=12,
        choices=ModerationState.choices,
        default=ModerationState.PENDING,
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires on"))
    reminder_sent_at = models.DateTimeField(_("reminder sent on"), null=True, blank=True)
    renew_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)

    objects = HelpOfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("help offer")
        verbose_name_plural = _("help offers")
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return str(_("Help offer in %(area)s") % {"area": self.area_name})

    def get_absolute_url(self):
        return reverse("neighbourhelp:offer-detail", args=[self.pk])

    def category_labels(self) -> list[str]:
        return [str(Category(c).label) for c in self.categories if c in Category.values]

    def time_labels(self) -> list[str]:
        return [str(TimeSlot(c).label) for c in self.times if c in TimeSlot.values]

    def language_labels(self) -> list[str]:
        return [HelpLanguage(c).label for c in self.languages if c in HelpLanguage.values]


class HelpRequest(PrivateLocation):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MATCHED = "matched", _("A neighbour helps")
        CLOSED = "closed", _("Closed")

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.CASCADE,
        related_name="help_requests",
    )
    # Checked on the model, so that every way in (form, service, admin) refuses a surname or
    # markup, as a referral's pseudonym is refused.
    on_behalf_of = models.CharField(
        _("on behalf of (first name or pseudonym)"),
        max_length=40,
        blank=True,
        validators=[validate_pseudonym],
    )
    category = models.CharField(_("what kind of help"), max_length=20, choices=Category.choices)
    times = CodeListField(_("when"), max_length=200, blank=True)
    languages = CodeListField(_("languages"), max_length=100, blank=True)
    description = models.TextField(_("what you need"), max_length=2000)
    give_back = models.CharField(_("what could you give back?"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.OPEN
    )
    moderation_state = models.CharField(
        _("moderation"),
        max_length=12,
        choices=ModerationState.choices,
        default=ModerationState.PENDING,
    )
    created_at = models.DateTimeField(_("created on"), auto_now_add=True)
    closes_at = models.DateTimeField(_("closes on"))

    objects = HelpRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-created_at", "pk"]

    def __str__(self):
        return str(
            _("%(category)s in %(area)s")
            % {"category": self.get_category_display(), "area": self.area_name}
        )

    def get_absolute_url(self):
        return reverse("neighbourhelp:request-detail", args=[self.pk])

    def time_labels(self) -> list[str]:
        return [str(TimeSlot(c).label) for c in self.times if c in TimeSlot.values]

    def language_labels(self) -> list[str]:
        return [HelpLanguage(c).label for c in self.languages if c in HelpLanguage.values]


class HelpMatch(models.Model):
    """A requester asked one helper. Contact details are shared only once both have said yes:
    the requester by asking, the helper by accepting."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the helper")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")

    request = models.ForeignKey(
        HelpRequest, verbose_name=_("request"), on_delete=models.CASCADE, related_name="matches"
    )
    offer = models.ForeignKey(
        HelpOffer, verbose_name=_("offer"), on_delete=models.CASCADE, related_name="matches"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    answered_at = models.DateTimeField(_("answered on"), null=True, blank=True)

    objects = HelpMatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        ordering = ["-created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "offer"], name="help_match_once"),
        ]

    def __str__(self):
        return f"{self.request} → {self.offer}"

    def get_absolute_url(self):
        return reverse("neighbourhelp:match-detail", args=[self.pk])

    @property
    def contact_shared(self) -> bool:
        return self.status == self.Status.ACCEPTED


class HelpMessage(models.Model):
    """A message relayed through the platform: neither side sees the other's address."""

    match = models.ForeignKey(HelpMatch, on_delete=models.CASCADE, related_name="messages")
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"), max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
