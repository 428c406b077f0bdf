"""The network map (netwerkkaart, ecogram): who matters in a person's life, drawn with a worker.

By default nothing is stored: the map lives in the page's form. With the person's recorded
consent the worker saves it under a pseudonym, and each later look at it together is a new
`Drawing`, so that two dates can be compared. A saved map belongs to its worker alone: no
colleague, moderator, association or admin page shows it (networkmap.policy).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.fields import CodeListField

# At most this many ties on one map: a paper ecogram holds about as many.
MAX_TIES = 40


class Sector(models.TextChoices):
    """The sectors of the drawing, clockwise from the top."""

    HOUSEHOLD = "household", _("Household and family")
    FRIENDS = "friends", _("Friends")
    NEIGHBOURS = "neighbours", _("Neighbours")
    ASSOCIATIONS = "associations", _("Associations and leisure")
    WORK = "work", _("Work or school")
    PROFESSIONALS = "professionals", _("Professionals")


class Ring(models.TextChoices):
    CLOSE = "close", _("Close")
    FURTHER = "further", _("Further away")


class Frequency(models.TextChoices):
    DAILY = "daily", _("(Almost) every day")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    RARELY = "rarely", _("Less often")


class Quality(models.TextChoices):
    """The field warns that some ties make things worse: the map says so, without judging."""

    GOOD = "good", _("Good for the person")
    MIXED = "mixed", _("Sometimes good, sometimes not")
    HARD = "hard", _("Makes things harder")


class Gives(models.TextChoices):
    COMPANY = "company", _("Company")
    PRACTICAL = "practical", _("Practical help")
    ADVICE = "advice", _("Advice")
    LATE_CALL = "late_call", _("Someone to call at 22:00")


class Missing(models.TextChoices):
    """What the person would like more of. Each opens a search (SEARCH_FOR)."""

    TALK = "talk", _("Someone to talk to")
    PEERS = "peers", _("Peers with the same experience")
    SUNDAY = "sunday", _("Something to do on Sunday")
    PRACTICAL = "practical", _("Practical help")
    DUTCH = "dutch", _("Learning Dutch")
    BUDDY = "buddy", _("A buddy")


# Each wish as the map search's filters (buurt.search.params.SearchParams fields): the
# network-strengthening models (buurt.models.NetworkModel.Code) and the categories the listings
# carry (organisations' kinds, activities' and help offers' categories). Categories are any-of;
# kinds and models narrow. The search URL is built by networkmap.selectors.search_params.
SEARCH_FOR: dict[str, dict[str, tuple[str, ...] | str]] = {
    Missing.TALK: {
        "categories": ("conversation", "meal", "company", "community_centre", "service_centre"),
    },
    Missing.PEERS: {"kinds": ("organisations", "activities"), "models": ("peers",)},
    # The search knows the weekend, not single days: Saturday and Sunday, activities only.
    Missing.SUNDAY: {"kinds": ("activities",), "when": "weekend"},
    Missing.PRACTICAL: {
        "kinds": ("help_offers",),
        "categories": ("shopping", "odd_jobs", "garden", "paperwork", "lift", "digital"),
    },
    Missing.DUTCH: {"categories": ("language_cafe", "conversation", "dutch")},
    Missing.BUDDY: {
        "kinds": ("organisations", "help_offers"),
        "categories": ("buddy_project", "buddy"),
    },
}


class NetworkMap(models.Model):
    """A saved map: the person by pseudonym only, linked to no account of theirs."""

    # Deleted with the worker's account: nobody else may ever see it.
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("worker"),
        on_delete=models.CASCADE,
        related_name="network_maps",
    )
    pseudonym = models.CharField(_("first name or pseudonym"), max_length=30)
    consent_at = models.DateTimeField(_("consent given on"))
    created_at = models.DateTimeField(_("saved on"), auto_now_add=True)
    # Opened or updated by the worker; the retention task removes maps not visited for
    # NETWORK_MAP_RETENTION_DAYS.
    last_visited_at = models.DateTimeField(_("last looked at"), db_index=True)

    class Meta:
        verbose_name = _("network map")
        verbose_name_plural = _("network maps")
        ordering = ["-last_visited_at", "-pk"]

    def __str__(self):
        # No pseudonym: __str__ can end up in logs.
        return f"network map #{self.pk}"

    def get_absolute_url(self):
        return reverse("networkmap:detail", args=[self.pk])


class Drawing(models.Model):
    """The map as drawn on one day: its ties and what was missing."""

    network_map = models.ForeignKey(
        NetworkMap, verbose_name=_("network map"), on_delete=models.CASCADE, related_name="drawings"
    )
    drawn_at = models.DateTimeField(_("drawn on"), auto_now_add=True, db_index=True)
    missing = CodeListField(_("would like more of"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("drawing")
        verbose_name_plural = _("drawings")
        ordering = ["drawn_at", "pk"]

    def __str__(self):
        return f"drawing #{self.pk}"

    @property
    def missing_labels(self) -> list[str]:
        return [str(Missing(code).label) for code in self.missing if code in Missing.values]


class Tie(models.Model):
    drawing = models.ForeignKey(
        Drawing, verbose_name=_("drawing"), on_delete=models.CASCADE, related_name="ties"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("first name or role"), max_length=30)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    ring = models.CharField(_("distance"), max_length=10, choices=Ring.choices)
    frequency = models.CharField(_("how often"), max_length=10, choices=Frequency.choices)
    quality = models.CharField(_("good for the person"), max_length=10, choices=Quality.choices)
    gives = CodeListField(_("what it gives"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("tie")
        verbose_name_plural = _("ties")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"tie #{self.pk}"

    @property
    def gives_labels(self) -> list[str]:
        return [str(Gives(code).label) for code in self.gives if code in Gives.values]
