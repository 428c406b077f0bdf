"""Demo helpers, offers and open requests for seed_demo, so the board is not empty.

The demo people live at made-up points in Gent; like everyone's, their exact points are
private and only the coarse point is shown. Idempotent: keyed by the demo e-mail addresses.
"""

from __future__ import annotations

import datetime

from allauth.account.models import EmailAddress
from django.contrib.gis.geos import Point
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from buurt.models import Neighbourhood
from core.moderation import ModerationState

from .models import HelpOffer, HelpRequest
from .services import OFFER_LIFETIME, REQUEST_LIFETIME, neighbourhood_shown, public_point_for

# (e-mail, lon, lat, categories, languages, in return, times): together every kind of help
# and every time of the week, as a real board would have.
DEMO_HELPERS = [
    ("buur.an.demo@example.org", 3.7221, 51.0489, ["shopping", "company"], ["nl", "fr"], "",
     ["weekday_morning", "weekday_afternoon"]),
    ("buur.bram.demo@example.org", 3.7302, 51.0431, ["paperwork", "digital"], ["nl", "en"], "",
     ["weekday_evening"]),
    ("buur.chaima.demo@example.org", 3.7160, 51.0560, ["meal", "dutch"], ["nl", "ar"], "Koffie",
     ["weekday_afternoon", "weekend"]),
    ("buur.dirk.demo@example.org", 3.7405, 51.0602, ["odd_jobs", "garden"], ["nl"], "",
     ["weekend"]),
    ("buur.elif.demo@example.org", 3.7049, 51.0517, ["babysitting", "buddy"], ["nl", "tr"], "",
     ["weekday_evening", "weekend"]),
    ("buur.frans.demo@example.org", 3.7350, 51.0380, ["lift", "shopping"], ["nl", "fr"], "",
     ["weekday_morning"]),
]  # fmt: skip
# (e-mail, lon, lat, category, description, give back)
DEMO_REQUESTS = [
    (
        "vraag.greet.demo@example.org",
        3.7250,
        51.0470,
        "paperwork",
        "Wie helpt me met het formulier voor de huurpremie? (demo)",
        "Ik bak graag een taart.",
    ),
    (
        "vraag.hamid.demo@example.org",
        3.7190,
        51.0540,
        "dutch",
        "Ik wil Nederlands oefenen tijdens een wandeling. (demo)",
        "Ik kook graag voor je.",
    ),
]


def _demo_user(email: str) -> User:
    user, created = User.objects.get_or_create(email=email)
    if created:
        user.set_unusable_password()
        # Old enough not to count as a new account for moderation.
        user.date_joined = timezone.now() - datetime.timedelta(days=365)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _locate(lon: float, lat: float):
    point = Point(lon, lat, srid=4326)
    covered = Neighbourhood.objects.containing(point).exists()
    neighbourhood = neighbourhood_shown(point) if covered else None
    return point, neighbourhood, public_point_for(point, neighbourhood)


@transaction.atomic
def help_demo_seed() -> int:
    """Create the demo offers and requests that do not exist yet; returns how many."""
    now = timezone.now()
    created = 0
    for email, lon, lat, categories, languages, in_return, times in DEMO_HELPERS:
        helper = _demo_user(email)
        if HelpOffer.objects.filter(helper=helper).exists():
            continue
        point, neighbourhood, public = _locate(lon, lat)
        HelpOffer.objects.create(
            helper=helper,
            private_point=point,
            public_point=public,
            neighbourhood=neighbourhood,
            categories=categories,
            times=times,
            languages=languages,
            max_distance_m=2000,
            capacity_per_month=2,
            description="Demo: een buur die graag helpt.",
            in_return=in_return,
            moderation_state=ModerationState.APPROVED,
            expires_at=now + OFFER_LIFETIME,
        )
        created += 1
    for email, lon, lat, category, description, give_back in DEMO_REQUESTS:
        requester = _demo_user(email)
        if HelpRequest.objects.filter(requester=requester).exists():
            continue
        point, neighbourhood, public = _locate(lon, lat)
        HelpRequest.objects.create(
            requester=requester,
            private_point=point,
            public_point=public,
            neighbourhood=neighbourhood,
            category=category,
            times=["weekend"],
            languages=["nl"],
            description=description,
            give_back=give_back,
            moderation_state=ModerationState.APPROVED,
            closes_at=now + REQUEST_LIFETIME,
        )
        created += 1
    return created
