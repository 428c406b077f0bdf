"""How moderation and personal-data export read activities and registrations.

Whether an activity waits for review is decided in services.activity_needs_review."""

from accounts.moderated import organisation_authors

from .models import Activity, Registration


def activity_authors(activity: Activity):
    return organisation_authors(activity.organisation)


def registrations_export(user) -> list[dict]:
    return [
        {
            "activity": r.occurrence.activity.title,
            "starts_at": r.occurrence.starts_at.isoformat(),
            "name": r.name,
            "status": r.status,
            "registered_at": r.created_at.isoformat(),
        }
        for r in Registration.objects.filter(user=user).select_related("occurrence__activity")
    ]
