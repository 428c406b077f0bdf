"""Demo activities for the demo organisations, so that a newcomer sees a living agenda.

Idempotent: an activity is found again by its organisation and title, and updated."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from buurt.models import Organisation

from .models import Activity
from .services import activity_save, activity_start_align

# (title, category, weekday 0=Monday, start, minutes, rule or "", extra fields)
SPECS = [
    (
        "Toneelrepetitie: iedereen welkom",
        "culture",
        1,
        "19:30",
        150,
        "FREQ=WEEKLY;BYDAY=TU",
        {
            "reduced_rate": True,
            "cost": "paid",
            "price": 3,
            "welcome_person": True,
            "welcome_person_name": "Mieke",
            "come_alone": True,
        },
    ),
    (
        "Donderdaglunch in het dienstencentrum",
        "meal",
        3,
        "12:00",
        90,
        "FREQ=WEEKLY;BYDAY=TH",
        {"cost": "paid", "price": 6, "reduced_rate": True, "wheelchair_accessible": True},
    ),
    (
        "Lotgenotengroep: eerste maandag van de maand",
        "peer_group",
        0,
        "19:00",
        120,
        "FREQ=MONTHLY;BYDAY=1MO",
        {"audience": "peers", "quiet_space": True, "come_alone": True},
    ),
    (
        "Taalcafé: Nederlands oefenen",
        "conversation",
        2,
        "14:00",
        90,
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        {"cost": "pay_what_you_can", "no_dutch_needed": True, "welcome_person": True},
    ),
    (
        "Buurtwandeling langs de Leie",
        "outing",
        5,
        "10:00",
        120,
        "",
        {"registration_required": True, "capacity": 15, "child_friendly": True},
    ),
]
ORGANISATIONS = 6


def _next_weekday(today: datetime.date, weekday: int) -> datetime.date:
    return today + datetime.timedelta(days=(weekday - today.weekday()) % 7 or 7)


@transaction.atomic
def activities_demo_seed(*, today: datetime.date | None = None) -> int:
    """Up to five activities for each of the first demo organisations; returns how many."""
    today = today or timezone.localdate()
    organisations = Organisation.objects.public().filter(is_demo=True).order_by("slug")
    count = 0
    for index, organisation in enumerate(organisations[:ORGANISATIONS]):
        for offset, (title, category, weekday, start, minutes, rule, extra) in enumerate(SPECS):
            if (index + offset) % 2:
                continue  # a different mix per organisation
            day = _next_weekday(today, weekday)
            hour, minute = map(int, start.split(":"))
            starts_at = timezone.make_aware(
                datetime.datetime.combine(day, datetime.time(hour, minute))
            )
            activity = Activity.objects.filter(organisation=organisation, title=title).first()
            activity = activity or Activity(organisation=organisation, title=title)
            activity.category = category
            activity.description = f"{title}. {organisation.name} nodigt je uit."
            activity.starts_at = starts_at
            activity.ends_at = starts_at + datetime.timedelta(minutes=minutes)
            activity.rrule = rule
            # Weekly ones skip their third date: an exception date, as in real life.
            activity.exception_dates = (
                [(day + datetime.timedelta(weeks=2)).isoformat()] if "WEEKLY" in rule else []
            )
            activity.status = Activity.Status.PUBLISHED
            activity.is_demo = True
            for name, value in extra.items():
                setattr(activity, name, value)
            # "The first Monday of the month" starts on a first Monday, not the next Monday.
            activity_start_align(activity)
            activity_save(activity=activity)
            count += 1
    return count
