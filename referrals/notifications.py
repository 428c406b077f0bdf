"""E-mails about referrals, through an outbox: a Notification row per recipient and event,
written in the transaction of the change (notify), handed to the broker once it commits, sent
by a task (notification_send) that holds no transaction while the mail server is asked, and
tried again until it goes out or is given up (then shown with a button to send it again).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.mail import message_render, messages_send, site_url
from core.tasks import enqueue

from .models import FollowUp, Notification

# A pending notification not queued for this long is queued again by the beat task.
REQUEUE_AFTER = datetime.timedelta(minutes=10)


class DeliveryFailed(Exception):
    """The mail server did not take the e-mail; the task retries."""


def notify(referral, event, recipients, *, follow_up: FollowUp | None = None) -> None:
    """Write one notification per recipient and queue them once the transaction commits."""
    rows = Notification.objects.bulk_create(
        Notification(referral=referral, recipient=r, event=event, follow_up=follow_up)
        for r in dict.fromkeys(recipients)
        if r is not None and r.is_active
    )
    ids = [row.pk for row in rows]
    if ids:
        transaction.on_commit(lambda: notifications_queue(ids))


def notifications_queue(ids: list[int]) -> int:
    """Hand notifications to the broker. A broker that is down loses nothing: the rows stay
    pending and notifications_requeue() queues them again."""
    from .tasks import notification_send_task

    queued = 0
    for pk in ids:
        Notification.objects.filter(pk=pk).update(queued_at=timezone.now())
        if enqueue(notification_send_task, pk):
            queued += 1
        else:
            Notification.objects.filter(pk=pk).update(queued_at=None)
    return queued


def notifications_requeue(*, now: datetime.datetime | None = None) -> int:
    """Queue again what is pending and was not queued recently (beat, every few minutes)."""
    now = now or timezone.now()
    ids = list(
        Notification.objects.stale(queued_before=now - REQUEUE_AFTER)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    return notifications_queue(ids)


def notification_send(*, notification_id: int) -> str:
    """Send one notification e-mail. Raises DeliveryFailed when the mail server refuses it or
    does not answer (within EMAIL_TIMEOUT).

    No transaction is open while the mail server is asked: the row is claimed with one
    conditional UPDATE (on its attempt count, so that two workers never both send it), the
    e-mail goes out, and the outcome is written with another UPDATE. A transaction held over a
    mail server that never answered blocked every write of the site on SpatiaLite.
    """
    notification = (
        Notification.objects.select_related("referral__organisation", "recipient", "follow_up")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.status != Notification.Status.PENDING:
        return "skipped"
    mine = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.PENDING, attempts=notification.attempts
    )
    if not mine.update(attempts=notification.attempts + 1, queued_at=timezone.now()):
        return "skipped"  # another worker claimed it in the meantime
    try:
        messages_send([_message(notification)])
    except Exception as exc:  # smtplib, socket and TLS errors alike
        error = f"{type(exc).__name__}: {exc}"[:300]
        Notification.objects.filter(pk=notification.pk).update(last_error=error)
        raise DeliveryFailed(error) from exc
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return "sent"


def notification_give_up(*, notification_id: int) -> None:
    """After the last retry: shown on the dashboards as not sent, with a button to try again."""
    Notification.objects.filter(pk=notification_id, status=Notification.Status.PENDING).update(
        status=Notification.Status.FAILED
    )


def notification_retry(*, notification: Notification) -> None:
    if notification.status != Notification.Status.FAILED:
        raise ValidationError(_("This e-mail is not waiting to be sent again."))
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.PENDING, queued_at=None
    )
    transaction.on_commit(lambda: notifications_queue([notification.pk]))


def _message(notification: Notification):
    """No pseudonym, no needs, no notes in e-mails: they travel and get forwarded. The
    e-mail says what happened and links to the page, which checks who is looking."""
    context = {
        "notification": notification,
        "referral": notification.referral,
        "recipient": notification.recipient,
        "url": site_url(_page_for(notification)),
        "follow_up": notification.follow_up,
        "answers": [],
    }
    if notification.follow_up:
        context["answers"] = [
            (label, site_url(notification.follow_up.answer_url(value)))
            for value, label in FollowUp.Answer.choices
            if value
        ]
    return message_render(
        template_prefix=f"referrals/email/{notification.event}",
        context=context,
        recipient=notification.recipient,
    )


def _page_for(notification: Notification) -> str:
    referral = notification.referral
    if notification.event == Notification.Event.COMPANION_ASKED or (
        referral.companion_offer_id and notification.recipient_id == referral.companion_user.pk
    ):
        return reverse("referrals:companion", args=[referral.pk])
    return referral.get_absolute_url()
