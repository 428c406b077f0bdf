"""Named, composable filters for neighbourhoods and organisations. Geometry goes through
spatial so that units and backend differences stay in one place."""

from django.contrib.gis.geos import Point
from django.db import models

import spatial
from core.moderation import ModerationState


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

    def in_bbox(self, bbox: spatial.BBox):
        return self.filter(spatial.in_bbox("point", bbox))
