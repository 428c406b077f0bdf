"""Existing repeating activities whose first date is not one their rule gives (RFC 5545 calls
that set undefined; the demo's "first Monday of the month" started on any Monday) start on the
first date the rule gives from then on, at the same hours. The stray occurrence on the old first
date is deleted, or kept cancelled when people registered for it, as occurrences_refresh does.

Reversing leaves the corrected dates: the old first dates were not dates of the activity."""

from django.core.exceptions import ValidationError
from django.db import migrations


def align_first_dates(apps, schema_editor):
    from activities import recurrence

    Activity = apps.get_model("activities", "Activity")
    Occurrence = apps.get_model("activities", "Occurrence")
    for activity in Activity.objects.exclude(rrule="").iterator():
        schedule = recurrence.Schedule(
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
            time_zone=activity.time_zone,
            rule=activity.rrule,
        )
        try:
            moved = recurrence.aligned(schedule)
        except (ValidationError, ValueError):  # an unreadable rule: left for a person to correct in the admin
            continue
        if moved.starts_at == activity.starts_at:
            continue
        stray = Occurrence.objects.filter(activity=activity, starts_at=activity.starts_at)
        stray.filter(registrations__isnull=True).delete()
        stray.update(is_cancelled=True)
        Activity.objects.filter(pk=activity.pk).update(
            starts_at=moved.starts_at, ends_at=moved.ends_at
        )


class Migration(migrations.Migration):
    dependencies = [("activities", "0003_calendar_subscriptions")]

    operations = [migrations.RunPython(align_first_dates, migrations.RunPython.noop)]
