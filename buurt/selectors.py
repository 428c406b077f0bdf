"""Reads that feed pages and endpoints."""

from django.db.models import Count

from .models import Neighbourhood, Organisation
from .querysets import public_organisations_q


def organisations_on_map():
    """Published organisations with a point, with what a marker popup needs."""
    return Organisation.objects.on_map().only(
        "name", "slug", "kind", "point", "street_address", "postcode", "city"
    )


def organisation_detail(*, slug: str) -> Organisation:
    """A published organisation with its related lookups, or Organisation.DoesNotExist."""
    return (
        Organisation.objects.public()
        .select_related("neighbourhood")
        .prefetch_related("languages", "network_models")
        .get(slug=slug)
    )


def neighbourhoods_with_counts():
    """All neighbourhoods with the number of published organisations in each."""
    return Neighbourhood.objects.annotate(
        organisation_count=Count("organisations", filter=public_organisations_q("organisations__"))
    )


def neighbourhood_detail(*, code: str) -> Neighbourhood:
    return Neighbourhood.objects.get(code=code)


def neighbourhood_organisations(*, neighbourhood: Neighbourhood):
    return neighbourhood.organisations.public().order_by("name")
