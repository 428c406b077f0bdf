"""Activities of organisations, their materialised occurrences and registrations."""

import datetime
import re
import zoneinfo

from django.contrib.gis.db import models
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinValueValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from buurt.models import (
    AccessAndCost,
    Language,
    Neighbourhood,
    NetworkModel,
    OpenDataIdentifiers,
    Organisation,
    PlacedAddress,
)
from core.images import CleanImageField
from core.moderation import ModerationState

from . import recurrence
from .querysets import ActivityQuerySet, OccurrenceQuerySet

MAX_DESCRIPTION_CHARS = 10_000
DEFAULT_TIME_ZONE = "Europe/Brussels"
# Markdown is sanitised when shown, but a script tag is never meant: refuse it with a message.
SCRIPT_TAG = re.compile(r"<\s*/?\s*script", re.IGNORECASE)


def validate_time_zone(value: str) -> None:
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("%(zone)s is not a known time zone."), code="time_zone", params={"zone": value}
        ) from None


def _dates(values) -> list[datetime.date]:
    """Exception and extra dates are stored as ISO strings (JSON)."""
    return [v if isinstance(v, datetime.date) else datetime.date.fromisoformat(v) for v in values]


class Activity(PlacedAddress, AccessAndCost, OpenDataIdentifiers):
    """An organisation's activity. Its OpenDataIdentifiers: `uuid` is its id as an HSDS
    service, `location_uuid` its own place's (another address, online), and
    `service_at_location_uuid` the service at its place (its own or the organisation's)."""

    class Category(models.TextChoices):
        CULTURE = "culture", _("Culture and creativity")
        SPORTS = "sports", _("Sports and movement")
        MEAL = "meal", _("Meal and coffee")
        CONVERSATION = "conversation", _("Conversation and language")
        PEER_GROUP = "peer_group", _("Peer group")
        LEARNING = "learning", _("Learning and workshops")
        OUTING = "outing", _("Walk or outing")
        VOLUNTEERING = "volunteering", _("Volunteering")
        OTHER = "other", _("Other")

    class Venue(models.TextChoices):
        ORGANISATION = "organisation", _("At the organisation's place")
        ADDRESS = "address", _("At another address")
        ONLINE = "online", _("Online")
        PHONE = "phone", _("By phone")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", _("Cancelled")
        ARCHIVED = "archived", _("Archived")

    class AgeGroup(models.TextChoices):
        ALL = "all", _("All ages")
        CHILDREN = "children", _("Children")
        YOUTH = "youth", _("Young people")
        ADULTS = "adults", _("Adults")
        SENIORS = "seniors", _("Seniors")

    class Audience(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        SENIORS = "seniors", _("Seniors")
        YOUTH = "youth", _("Youth")
        FAMILIES = "families", _("Families")
        WOMEN = "women", _("Women")
        PEERS = "peers", _("Peers with a shared experience")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="activities",
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"),
        blank=True,
        validators=[MaxLengthValidator(MAX_DESCRIPTION_CHARS)],
        help_text=_("Plain text or Markdown."),
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    picture = CleanImageField(_("picture"), upload_to="activities/pictures/", blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)

    venue = models.CharField(
        _("where"), max_length=20, choices=Venue.choices, default=Venue.ORGANISATION
    )
    # The address fields and point come from PlacedAddress. The point is the organisation's
    # for its own place, the geocoded address otherwise; none online.
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        verbose_name=_("neighbourhood"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )

    # When: the first occurrence, and an optional RFC 5545 rule in the activity's time zone.
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    time_zone = models.CharField(
        _("time zone"), max_length=60, default=DEFAULT_TIME_ZONE, validators=[validate_time_zone]
    )
    rrule = models.CharField(
        _("repeat rule (RFC 5545)"),
        max_length=300,
        blank=True,
        help_text=_("For example FREQ=WEEKLY;BYDAY=TU. Empty for a one-off activity."),
    )
    exception_dates = models.JSONField(_("exception dates"), default=list, blank=True)
    extra_dates = models.JSONField(_("extra dates"), default=list, blank=True)

    # The cost and the yes/no flags of buurt.flags come from AccessAndCost.
    price = models.DecimalField(
        _("price (euro)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    languages = models.ManyToManyField(
        Language, verbose_name=_("languages spoken"), blank=True, related_name="+"
    )
    no_dutch_needed = models.BooleanField(_("no Dutch needed"), default=False)
    come_alone = models.BooleanField(_("you can come alone"), default=False)
    welcome_person = models.BooleanField(_("a welcome person waits for you"), default=False)
    welcome_person_name = models.CharField(
        _("first name of the welcome person"), max_length=60, blank=True
    )
    age_group = models.CharField(
        _("age group"), max_length=20, choices=AgeGroup.choices, default=AgeGroup.ALL
    )
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    network_models = models.ManyToManyField(
        NetworkModel, verbose_name=_("network-strengthening models"), blank=True, related_name="+"
    )
    registration_required = models.BooleanField(_("registration required"), default=False)
    capacity = models.PositiveIntegerField(
        _("places per occurrence"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty for no limit."),
    )

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    cancel_notice = models.TextField(_("cancellation notice"), blank=True, max_length=1000)
    moderation_state = models.CharField(
        _("moderation"),
        max_length=20,
        choices=ModerationState.choices,
        default=ModerationState.APPROVED,
        db_index=True,
    )
    uit_id = models.CharField(
        _("UiTdatabank identifier"), max_length=300, null=True, blank=True, unique=True
    )
    # Imported from a calendar the organisation subscribed to: the feed's UID (and
    # RECURRENCE-ID) or UiTdatabank @id. Activities made by hand have no subscription.
    subscription = models.ForeignKey(
        "activities.CalendarSubscription",
        verbose_name=_("imported from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
    )
    feed_key = models.CharField(_("identifier in the calendar"), max_length=500, blank=True)
    # Dates the calendar itself cancelled (STATUS:CANCELLED on one date), as ISO instants: the
    # next sync restores them when the calendar does.
    feed_cancelled = models.JSONField(
        _("dates cancelled in the calendar"), default=list, blank=True
    )
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "feed_key"],
                condition=models.Q(subscription__isnull=False),
                name="activity_feed_key_unique",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("activities:detail", args=[self.pk])

    def clean(self):
        errors = {}
        for name in ("title", "description", "welcome_person_name", "cancel_notice"):
            if SCRIPT_TAG.search(getattr(self, name) or ""):
                errors[name] = _("Remove the <script> tag: write plain text or Markdown.")
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The end must be after the start.")
        if self.venue == self.Venue.ADDRESS and not self.street_address:
            errors["street_address"] = _("Give the address where the activity takes place.")
        if self.cost == self.Cost.PAID and self.price is None:
            errors["price"] = _("Give the price, or choose free or pay what you can.")
        if self.capacity is not None and not self.registration_required:
            errors["capacity"] = _("A number of places needs registrations.")
        if "ends_at" not in errors:
            errors.update(self._start_errors())
        if errors:
            raise ValidationError(errors)

    def _start_errors(self) -> dict:
        """The first date must be one the rule gives (the admin, the import and the form all
        pass here); a rule that cannot be read is reported by recurrence.check."""
        if not (self.starts_at and self.ends_at and self.rrule):
            return {}
        try:
            validate_time_zone(self.time_zone)
            schedule = self.schedule()
            recurrence.check(schedule)
        except ValidationError:
            return {}  # said by the field's validator or activity_validate, in its words
        try:
            recurrence.check_start(schedule)
        except ValidationError as error:
            if error.code in ("rrule_start", "rrule_empty"):
                return {"starts_at": error.messages}
        return {}

    def schedule(self) -> recurrence.Schedule:
        return recurrence.Schedule(
            starts_at=self.starts_at,
            ends_at=self.ends_at,
            time_zone=self.time_zone,
            rule=self.rrule,
            exception_dates=tuple(_dates(self.exception_dates)),
            extra_dates=tuple(_dates(self.extra_dates)),
        )

    @cached_property
    def schedule_summary(self) -> str:
        """When it repeats, in the active language ("every Tuesday at 19:30"); "" for a
        one-off activity or a rule plain words cannot say (its dates are listed instead)."""
        if not self.is_recurring:
            return ""
        today = timezone.localdate()
        extra = [day for day in _dates(self.extra_dates) if day >= today]
        start = self.starts_at.astimezone(zoneinfo.ZoneInfo(self.time_zone))
        try:
            return recurrence.describe(self.rrule, start.replace(tzinfo=None), extra_dates=extra)
        except ValidationError:
            return ""

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule or self.extra_dates)

    # The venue is part of the address: moving to another address places it again.
    address_fields = ("venue", *PlacedAddress.address_fields)

    @property
    def address(self) -> str:
        if self.venue == self.Venue.ORGANISATION:
            return self.organisation.address
        if self.venue == self.Venue.ADDRESS:
            return super().address
        return ""


class CalendarSubscription(models.Model):
    """An organisation's calendar that Buurtkaart reads every hour: a public iCal feed, or
    an organiser's events in UiTdatabank."""

    class Kind(models.TextChoices):
        ICAL = "ical", _("iCal feed")
        UIT = "uit", _("UiTdatabank organiser")

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="calendar_subscriptions",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ICAL)
    # The feed's URL, or the UiTdatabank organiser's id.
    source = models.CharField(_("address of the calendar"), max_length=2000)
    publish = models.BooleanField(
        _("publish new activities at once"),
        default=False,
        help_text=_("Otherwise new activities wait as drafts until you publish them."),
    )
    created_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    synced_at = models.DateTimeField(_("last read"), null=True, blank=True)
    succeeded_at = models.DateTimeField(_("last read without error"), null=True, blank=True)
    error_code = models.CharField(_("error"), max_length=40, blank=True)
    error_detail = models.CharField(_("error detail"), max_length=500, blank=True)
    last_report = models.JSONField(_("last report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("calendar subscription")
        verbose_name_plural = _("calendar subscriptions")
        ordering = ["organisation", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind", "source"], name="calendar_subscription_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation} · {self.source}"


class Occurrence(models.Model):
    """One date of an activity, materialised so that "this week near me" is an indexed query."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("activity"), on_delete=models.CASCADE, related_name="occurrences"
    )
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"))
    is_cancelled = models.BooleanField(_("cancelled"), default=False)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("occurrence")
        verbose_name_plural = _("occurrences")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "starts_at"], name="occurrence_unique")
        ]

    def __str__(self):
        return f"{self.activity} · {self.starts_at:%Y-%m-%d %H:%M}"


class Registration(models.Model):
    """A place at one occurrence: by a resident for themselves, or by a worker for someone
    named by first name or pseudonym only."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITING = "waiting", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")

    occurrence = models.ForeignKey(
        Occurrence,
        verbose_name=_("occurrence"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="activity_registrations",
    )
    name = models.CharField(
        _("first name or pseudonym"),
        max_length=60,
        help_text=_("Only a first name or a pseudonym: no full names."),
    )
    for_someone_else = models.BooleanField(_("registered by a worker"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CONFIRMED
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.name} · {self.occurrence}"
