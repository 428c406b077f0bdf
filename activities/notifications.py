"""E-mails about registrations: to the organisation, and reminders to the people registered."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from core.mail import message_render, messages_send, site_url

from .models import Occurrence, Registration


def _organisation_address(occurrence: Occurrence) -> str:
    activity = occurrence.activity
    return activity.contact_email or activity.organisation.email


def registration_notify(*, registration_id: int, event: str) -> int:
    """'new': tell the organisation; 'moved_up': tell the person their place is confirmed."""
    registration = (
        Registration.objects.select_related("occurrence__activity__organisation", "user")
        .filter(pk=registration_id)
        .first()
    )
    if registration is None:
        return 0
    activity = registration.occurrence.activity
    context: dict[str, object] = {
        "registration": registration,
        "occurrence": registration.occurrence,
    }
    recipient: object  # an address (the organisation's) or an account
    if event == "new":
        recipient = _organisation_address(registration.occurrence)
        template = "activities/email/registration_new"
        context["url"] = site_url(reverse("activities:registrations", args=[activity.pk]))
    else:
        recipient = registration.user
        template = "activities/email/registration_moved_up"
        context["url"] = site_url(activity.get_absolute_url())
    if not recipient:
        return 0
    return messages_send(
        [message_render(template_prefix=template, context=context, recipient=recipient)]
    )


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind everyone with a confirmed place at an occurrence that starts tomorrow (local)."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + datetime.timedelta(days=1)
    due = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            reminded_at__isnull=True,
            occurrence__is_cancelled=False,
            occurrence__in=Occurrence.objects.between(tomorrow, tomorrow),
        )
        .select_related("occurrence__activity__organisation", "user")
        .order_by("pk")
    )
    sent = 0
    for registration in due:
        # Claimed by one UPDATE, sent outside any transaction (a mail server that does not
        # answer must not hold a database lock), and given back if it could not be sent, so
        # that the next run tries again.
        claim = Registration.objects.filter(pk=registration.pk, reminded_at__isnull=True)
        if not claim.update(reminded_at=now):
            continue  # another worker sent it
        message = message_render(
            template_prefix="activities/email/reminder",
            context={
                "registration": registration,
                "occurrence": registration.occurrence,
                "url": site_url(registration.occurrence.activity.get_absolute_url()),
            },
            recipient=registration.user,
        )
        try:
            sent += messages_send([message])
        except Exception:
            Registration.objects.filter(pk=registration.pk, reminded_at=now).update(
                reminded_at=None
            )
            raise
    return sent
