"""Every write to neighbourhoods and organisations. Atomic, validated with full_clean()."""

from django.db import transaction

from .models import Neighbourhood, Organisation


def organisation_locate(*, organisation: Organisation) -> Organisation:
    """Derive the neighbourhood from the point (point-in-polygon); None when outside all."""
    organisation.neighbourhood = (
        Neighbourhood.objects.containing(organisation.point).first() if organisation.point else None
    )
    return organisation


@transaction.atomic
def organisation_save(*, organisation: Organisation, languages=None, network_models=None):
    """Validate and save an organisation, deriving its neighbourhood from its point."""
    organisation_locate(organisation=organisation)
    organisation.full_clean()
    organisation.save()
    if languages is not None:
        organisation.languages.set(languages)
    if network_models is not None:
        organisation.network_models.set(network_models)
    return organisation


@transaction.atomic
def neighbourhood_upsert(*, code: str, **fields) -> tuple[Neighbourhood, bool]:
    """Create or update a neighbourhood by its code; returns (neighbourhood, created)."""
    neighbourhood = Neighbourhood.objects.filter(code=code).first()
    created = neighbourhood is None
    neighbourhood = neighbourhood or Neighbourhood(code=code)
    for name, value in fields.items():
        setattr(neighbourhood, name, value)
    neighbourhood.full_clean()
    neighbourhood.save()
    return neighbourhood, created


@transaction.atomic
def organisations_relocate() -> int:
    """Re-derive every organisation's neighbourhood, e.g. after importing boundaries."""
    changed = 0
    for organisation in Organisation.objects.filter(point__isnull=False).iterator():
        before = organisation.neighbourhood_id
        organisation_locate(organisation=organisation)
        if organisation.neighbourhood_id != before:
            organisation.save(update_fields=["neighbourhood"])
            changed += 1
    return changed
