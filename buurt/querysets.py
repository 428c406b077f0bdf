"""Named, composable filters for neighbourhoods and organisations. Geometry goes through
spatial so that units and backend differences stay in one place."""

from django.contrib.gis.geos import Point
from django.db import models

import spatial
from core.moderation import ModerationState

from . import freshness


class NeighbourhoodQuerySet(models.QuerySet):
    def containing(self, point: Point):
        """Neighbourhoods whose boundary contains the EPSG:4326 point."""
        return self.filter(spatial.containing("boundary", point))


def public_organisations_q(prefix: str = "") -> models.Q:
    """Published by its organisation and approved by moderation (not pending, hidden or
    rejected): what anyone may see. `prefix` reaches organisations through a relation:
    "organisations__"."""
    return models.Q(
        **{f"{prefix}status": "published", f"{prefix}moderation_state": ModerationState.APPROVED}
    )


class OrganisationQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see: published and approved."""
        return self.filter(public_organisations_q())

    def on_map(self):
        """Public organisations that have a point."""
        return self.public().filter(point__isnull=False)

    def near(self, point: Point, *, meters: float):
        """Within `meters` metres of the point, nearest first, with `distance` annotated."""
        within = self.filter(spatial.within_distance("point", point, meters))
        return spatial.with_distance(within, "point", point)

    def confirmed_recently(self, today=None):
        """Confirmed by a person (or an import) within LISTING_OUTDATED_MONTHS."""
        return self.filter(assured_on__gte=freshness.outdated_before(today))

    def possibly_outdated(self, today=None):
        """Nobody confirmed them for LISTING_OUTDATED_MONTHS: still findable, "phone first"."""
        return self.filter(assured_on__lt=freshness.outdated_before(today))

    def due_for_review(self, today=None):
        """Last confirmed LISTING_REVIEW_MONTHS ago or longer."""
        return self.filter(assured_on__lte=freshness.review_due_before(today))

    def in_bbox(self, bbox: spatial.BBox):
        return self.filter(spatial.in_bbox("point", bbox))
