"""A mail server that accepts connections and never answers: what was asked is saved, the
request answers within one EMAIL_TIMEOUT (not a hang, not a 500), and the referral outbox
holds no database transaction while it waits. Against a real socket server on 127.0.0.1.

Without a broker (as here) tasks run in the request, after the commit: the tests use real
commits (transaction=True) so that the e-mails go out inside the request, as in production.
"""

import datetime
import logging
import threading
import time

import pytest
from django.conf import settings as django_settings
from django.core.mail import get_connection
from django.db import connection
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Invitation, User
from activities import notifications as activity_notifications
from activities import services as activity_services
from core import mail
from core.mail import breaker_for
from neighbourhelp import services as help_services
from referrals import notifications as referral_notifications
from referrals.models import Notification, Referral
from tests.factories import (
    PASSWORD,
    ActivityFactory,
    HelpOfferFactory,
    HelpRequestFactory,
    MembershipFactory,
    NotificationFactory,
    UserFactory,
)
from tests.referrals.helpers import association, referral
from tests.silent_server import SilentServer

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

TIMEOUT = 1  # EMAIL_TIMEOUT in these tests, seconds
# Far below a hang (no timeout: until gunicorn kills the worker at 30 s) and Celery's inline
# retries (6 waits), yet loose enough for a loaded machine: the precise claim, one wait, is
# made by counting connections (waited_once), not by the clock.
NOT_A_HANG = 5 * TIMEOUT + 3


def waited_once(server, seconds: float) -> bool:
    """The request tried the mail server exactly once (each try waits EMAIL_TIMEOUT at most)
    and did not hang."""
    return len(server.connections) == 1 and seconds < NOT_A_HANG


@pytest.fixture
def hung_mail_server(settings):
    with SilentServer() as server:
        # A breaker left open by an earlier test on a reused port would skip this server.
        mail._breakers.clear()
        settings.EMAIL_BACKEND = "core.mail.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_TIMEOUT = TIMEOUT
        yield server


def timed(call):
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_every_mail_waits_at_most_email_timeout():
    assert django_settings.EMAIL_TIMEOUT == 10
    assert get_connection("core.mail.EmailBackend").timeout == 10


def test_sign_up_and_password_reset_answer_when_the_mail_server_hangs(
    client, hung_mail_server, caplog
):
    caplog.set_level(logging.WARNING, logger="core.outages")
    response, seconds = timed(
        lambda: client.post(
            reverse("account_signup"),
            {"email": "nieuw@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )
    )
    assert response.status_code == 302
    assert hung_mail_server.connected.is_set()  # it did try to send
    assert waited_once(hung_mail_server, seconds)
    assert User.objects.filter(email="nieuw@example.org").exists()
    assert f"Mail server 127.0.0.1:{hung_mail_server.port} unavailable" in caplog.text  # logged

    client.logout()
    UserFactory(email="bestaand@example.org")
    hung_mail_server.connected.clear()
    hung_mail_server.connections.clear()
    breaker_for("127.0.0.1", hung_mail_server.port).reset()  # or it would not even be tried
    response, seconds = timed(
        lambda: client.post(reverse("account_reset_password"), {"email": "bestaand@example.org"})
    )
    assert response.status_code == 302
    assert hung_mail_server.connected.is_set()
    assert waited_once(hung_mail_server, seconds)


def test_an_invitation_is_saved_when_the_mail_server_hangs(hung_mail_server):
    admin = UserFactory()
    membership = MembershipFactory(user=admin, role="admin")

    invitation, seconds = timed(
        lambda: accounts_services.invitation_create(
            organisation=membership.organisation,
            email="lid@example.org",
            role="editor",
            invited_by=admin,
        )
    )
    assert waited_once(hung_mail_server, seconds)
    assert hung_mail_server.connected.is_set()
    assert Invitation.objects.filter(pk=invitation.pk).exists()


def test_asking_a_helper_is_saved_when_the_mail_server_hangs(hung_mail_server):
    item = HelpRequestFactory()

    match, seconds = timed(
        lambda: help_services.help_match_create(
            request=item, offer=HelpOfferFactory(), actor=item.requester
        )
    )
    assert waited_once(hung_mail_server, seconds)
    assert match.pk
    assert hung_mail_server.connected.is_set()


def test_a_referral_waits_once_for_all_its_mails_and_shows_them_as_not_sent(hung_mail_server):
    organisation, _contact = association()
    MembershipFactory(organisation=organisation)  # two members: two e-mails

    made, seconds = timed(lambda: referral(to=organisation))

    assert waited_once(hung_mail_server, seconds)  # not once per e-mail (core.mail)
    assert Referral.objects.filter(pk=made.pk).exists()
    notifications = list(made.notifications.all())
    assert len(notifications) == 2
    # Without a broker there is no later: one try each, then "could not be sent" on the
    # pages with a button to send it again (the outbox keeps them).
    assert {(n.status, n.attempts) for n in notifications} == {("failed", 1)}
    assert all(n.last_error for n in notifications)


def write_while_sending(settings, send, row) -> float:
    """Run send() in a thread against a mail server that never answers (3 s timeout) and, while
    it waits, write to `row`: the seconds that write took."""

    def sending():
        try:
            send()
        except Exception as exc:  # noqa: BLE001 - checked by the caller
            errors.append(exc)
        finally:
            connection.close()

    errors = []
    with SilentServer() as hung:
        settings.EMAIL_BACKEND = "core.mail.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", hung.port, 3
        sender = threading.Thread(target=sending)
        sender.start()
        assert hung.connected.wait(5)
        time.sleep(0.2)  # the sender is waiting for the server's greeting
        _updated, seconds = timed(
            lambda: type(row).objects.filter(pk=row.pk).update(id=F("id"))  # a real UPDATE
        )
        sender.join()
    assert len(errors) == 1, errors  # the sender did fail, after its timeout
    return seconds


def test_the_outbox_holds_no_transaction_while_the_mail_server_hangs(settings, mailoutbox):
    """With a broker, the task sending a referral's e-mail held a transaction (and on
    PostgreSQL a row lock) while it waited on the mail server; on SpatiaLite every write of
    the site waited with it."""
    made = referral()  # its e-mail goes out through the test's local outbox
    notification = NotificationFactory(
        referral=made, recipient=made.worker, event=Notification.Event.WITHDRAWN
    )

    seconds = write_while_sending(
        settings,
        lambda: referral_notifications.notification_send(notification_id=notification.pk),
        notification,
    )

    assert seconds < 2  # a write blocked by the sender would wait out its 3 s timeout
    notification.refresh_from_db()
    # Still waiting in the outbox, to be tried again by the task's retries or the beat sweep.
    assert (notification.status, notification.attempts) == ("pending", 1)
    assert "timed out" in notification.last_error


def test_reminders_hold_no_transaction_while_the_mail_server_hangs(settings, mailoutbox):
    start = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=14, minute=0)
    occurrence = ActivityFactory(
        registration_required=True, starts_at=start, ends_at=start + datetime.timedelta(hours=1)
    ).occurrences.first()
    registration = activity_services.registration_create(
        occurrence_id=occurrence.pk, user=UserFactory()
    )

    seconds = write_while_sending(settings, activity_notifications.reminders_send, registration)

    assert seconds < 2  # as above
    registration.refresh_from_db()
    assert registration.reminded_at is None  # given back: the next run tries again
