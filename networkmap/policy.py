"""Who sees a network map: the worker who saved it, and nobody else — not colleagues, not
moderators, not the association a referral from it went to. Everything else is 404."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.policy import is_verified_worker

from .models import NetworkMap


def can_draw(user) -> bool:
    return is_verified_worker(user)


def network_maps_visible_to(user) -> QuerySet[NetworkMap]:
    if not can_draw(user):
        return NetworkMap.objects.none()
    return NetworkMap.objects.filter(worker=user)
