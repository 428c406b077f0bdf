"""Every write of network maps: save with consent, record a later visit, delete, and the
retention of maps nobody looked at for NETWORK_MAP_RETENTION_DAYS."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.validators import pseudonym_normalised, validate_pseudonym

from . import policy
from .models import MAX_TIES, Drawing, Missing, NetworkMap, Tie


@transaction.atomic
def network_map_save(
    *,
    worker,
    pseudonym: str,
    consent: bool,
    ties: Sequence[Tie],
    missing: Sequence[str],
    now: datetime.datetime | None = None,
) -> NetworkMap:
    """Keep a map drawn with the person: only with their consent, under a pseudonym."""
    if not policy.can_draw(worker):
        raise ValidationError(_("Only verified workers keep network maps."), code="not_worker")
    if not consent:
        raise ValidationError(
            {"consent": _("Save the map only when the person agrees.")}, code="consent"
        )
    now = now or timezone.now()
    pseudonym = pseudonym_normalised(pseudonym)
    validate_pseudonym(pseudonym)
    network_map = NetworkMap(
        worker=worker, pseudonym=pseudonym, consent_at=now, last_visited_at=now
    )
    network_map.full_clean()
    network_map.save()
    drawing_add(network_map=network_map, ties=ties, missing=missing)
    return network_map


@transaction.atomic
def drawing_add(*, network_map: NetworkMap, ties: Sequence[Tie], missing: Sequence[str]) -> Drawing:
    """The map as drawn today, next to the earlier ones: the change shows between two dates."""
    if not ties:
        raise ValidationError(_("Draw at least one tie before saving."), code="empty")
    if len(ties) > MAX_TIES:
        raise ValidationError(_("At most %(count)d ties.") % {"count": MAX_TIES}, code="too_many")
    # CodeListField stores a list; django-stubs types it as the CharField it extends.
    wished = [m for m in Missing.values if m in missing]
    drawing = Drawing(network_map=network_map, missing=wished)  # type: ignore[misc]
    drawing.full_clean(exclude=["network_map"])
    drawing.save()
    rows = []
    for position, tie in enumerate(ties, start=1):
        row = Tie(
            drawing=drawing,
            position=position,
            name=tie.name,
            sector=tie.sector,
            ring=tie.ring,
            frequency=tie.frequency,
            quality=tie.quality,
            gives=list(tie.gives),  # type: ignore[misc]
        )
        row.full_clean(exclude=["drawing"])
        rows.append(row)
    Tie.objects.bulk_create(rows)
    NetworkMap.objects.filter(pk=network_map.pk).update(last_visited_at=drawing.drawn_at)
    return drawing


def network_map_visit(*, network_map: NetworkMap, now: datetime.datetime | None = None) -> None:
    """The worker opened the map (with the person): it is still in use."""
    now = now or timezone.now()
    NetworkMap.objects.filter(pk=network_map.pk).update(last_visited_at=now)
    network_map.last_visited_at = now


def network_map_delete(*, network_map: NetworkMap) -> None:
    """On request, in one click: the map, its drawings and ties go; a referral made from it
    keeps no link (its foreign key is set to null)."""
    network_map.delete()


def network_maps_delete_unvisited(*, now: datetime.datetime | None = None) -> int:
    """Retention (accounts.personal_data, daily): maps not looked at for
    NETWORK_MAP_RETENTION_DAYS are deleted. Returns how many."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.NETWORK_MAP_RETENTION_DAYS)
    stale = NetworkMap.objects.filter(last_visited_at__lt=cutoff)
    count = stale.count()
    stale.delete()
    return count


def network_maps_delete_of(*, user) -> None:
    """Anonymiser (account deletion): a worker's maps go with their account."""
    NetworkMap.objects.filter(worker=user).delete()


def network_maps_export(user) -> dict:
    """The worker's data export says that they keep maps and when they were used, not what is
    on them: names, ties and pseudonyms are the clients' data, shown to the person through
    the worker on the map's own page, never in a file."""
    maps = NetworkMap.objects.filter(worker=user).order_by("created_at")
    return {
        "count": maps.count(),
        "kept": [
            {"saved_at": m.created_at.isoformat(), "last_looked_at": m.last_visited_at.isoformat()}
            for m in maps
        ],
    }
