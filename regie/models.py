"""Monthly snapshots of what each neighbourhood has and how far it reaches (buurtzorgregie).

A snapshot is computed by a task (regie.tasks), never in a request; the page and the exports
read it. Counts about people (neighbour help, referrals) are stored already suppressed: below
referrals.selectors.MIN_CELL they are stored as null ("fewer than 5"), so no small count can
leave through any page or file.
"""

from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _


class Snapshot(models.Model):
    taken_on = models.DateField(_("taken on"), unique=True)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        ordering = ["-taken_on"]

    def __str__(self):
        return self.taken_on.isoformat()


class AddressBasis(models.TextChoices):
    GAZETTEER = "gazetteer", _("addresses from the address register")
    GRID = "grid", _("a 100 m grid over the area (no addresses imported)")


class AreaFigures(models.Model):
    """One neighbourhood's figures in one snapshot."""

    snapshot = models.ForeignKey(
        Snapshot, verbose_name=_("snapshot"), on_delete=models.CASCADE, related_name="areas"
    )
    neighbourhood = models.ForeignKey(
        "buurt.Neighbourhood",
        verbose_name=_("neighbourhood"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    residents = models.PositiveIntegerField(_("residents"), null=True, blank=True)
    residents_source = models.CharField(_("source of the residents"), max_length=300, blank=True)
    residents_demo = models.BooleanField(_("demo figure"), default=False)
    address_basis = models.CharField(
        _("reach measured on"), max_length=20, choices=AddressBasis.choices
    )
    points = models.PositiveIntegerField(_("addresses or grid points"))
    # Indicator code (regie.indicators) -> count, or null where suppressed.
    counts = models.JSONField(_("counts"), default=dict)
    # Filter code -> {"400": points reached, "800": ..., "1200": ...}
    reach = models.JSONField(_("reach"), default=dict)

    class Meta:
        verbose_name = _("neighbourhood figures")
        verbose_name_plural = _("neighbourhood figures")
        constraints = [
            models.UniqueConstraint(
                fields=["snapshot", "neighbourhood"], name="regie_areafigures_unique"
            )
        ]

    def __str__(self):
        return f"{self.snapshot} {self.neighbourhood_id}"


class GridPoint(models.Model):
    """A point of the 100 m grid over a neighbourhood the address register does not cover:
    what reach is measured on there. Remade with every snapshot."""

    neighbourhood = models.ForeignKey(
        "buurt.Neighbourhood", on_delete=models.CASCADE, related_name="+"
    )
    point = models.PointField(geography=True, srid=4326)

    class Meta:
        verbose_name = _("grid point")
        verbose_name_plural = _("grid points")
