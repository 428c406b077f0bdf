"""Every kind of e-mail is built one way (core.mail): in the recipient's language, with the one
subject prefix and absolute links from SITE_URL, and sent only after the commit.

Accounts store no language of their own, so a user's language is the site's (LANGUAGE_CODE);
an invitation is written in the inviter's. The tests' interface language stays English
(tests/conftest.py): an e-mail must not follow it.
"""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts import services as accounts_services
from activities import notifications as activity_notifications
from activities import services as activity_services
from core.mail import message_render, site_url
from moderation import services as moderation_services
from moderation.models import AuditEntry
from neighbourhelp import notifications as help_notifications
from neighbourhelp import services as help_services
from referrals import notifications as referral_notifications
from referrals.models import FollowUp, Notification
from tests import factories
from tests.referrals.helpers import association, referral

pytestmark = pytest.mark.django_db

PREFIX = "[Buurtkaart] "
SITE = "https://buurtkaart.example"
LINK = re.compile(re.escape(SITE) + r"/\S+")


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE + "/"  # a trailing slash is not doubled
    settings.ACCOUNT_EMAIL_SUBJECT_PREFIX = PREFIX


def sent(call) -> list:
    mail.outbox.clear()
    call()
    return list(mail.outbox)


# --- Each kind: (send it, the msgid of its subject and its placeholders) -----------------------


def _invitation(language):
    organisation = factories.OrganisationFactory(name="Buurthuis De Sleep")
    invitation = factories.InvitationFactory(organisation=organisation, language=language)
    messages = sent(lambda: accounts_services.invitation_send_mail(invitation_id=invitation.pk))
    return messages, "Invitation to join %(organisation)s", {"organisation": organisation.name}


def _worker(verified):
    def kind(language):
        user = factories.UserFactory()
        messages = sent(
            lambda: accounts_services.worker_decision_mail(user_id=user.pk, verified=verified)
        )
        msgid = "You are verified as a worker" if verified else "Your request to be a worker"
        return messages, msgid, {}

    return kind


def _moderation(action, msgid):
    def kind(language):
        organisation = factories.OrganisationFactory(name="Buurttheater De Koekoek")
        factories.MembershipFactory(organisation=organisation, role="admin")
        entry = moderation_services.audit_record(
            actor=factories.UserFactory(is_moderator=True),
            action=action,
            target=organisation,
            reason="Ok",
        )
        messages = sent(lambda: moderation_services.decision_notify(audit_entry_id=entry.pk))
        return messages, msgid, {"title": organisation.name}

    return kind


def _help_match(event, msgid):
    def kind(language):
        match = factories.HelpMatchFactory()
        messages = sent(
            lambda: help_notifications.help_match_notify(
                match_id=match.pk, event=event, recipient_id=match.offer.helper_id
            )
        )
        return messages, msgid, {}

    return kind


def _offer_expiring(language):
    offer = factories.HelpOfferFactory()
    messages = sent(lambda: help_notifications.help_offer_remind(offer_id=offer.pk))
    return messages, "Your help offer expires soon", {}


def _request_closed(language):
    item = factories.HelpRequestFactory()
    messages = sent(lambda: help_notifications.help_request_closed_notify(request_id=item.pk))
    return messages, "Your help request has been closed", {}


def _referral(event, msgid):
    def kind(language):
        made = factories.ReferralFactory()
        follow_up = None
        if event == Notification.Event.FOLLOW_UP:
            follow_up = FollowUp.objects.create(
                referral=made, weeks=4, due_on=timezone.localdate(), asked_at=timezone.now()
            )
        notification = factories.NotificationFactory(
            referral=made, event=event, follow_up=follow_up
        )
        messages = sent(
            lambda: referral_notifications.notification_send(notification_id=notification.pk)
        )
        params = {"organisation": made.organisation.name, "number": made.pk, "weeks": 4}
        return messages, msgid, params

    return kind


def _registration(event, msgid):
    def kind(language):
        start = (timezone.localtime() + datetime.timedelta(days=1)).replace(hour=14, minute=0)
        activity = factories.ActivityFactory(
            title="Repair Café",
            registration_required=True,
            contact_email="info@vereniging.example.org",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
        )
        registration = activity_services.registration_create(
            occurrence_id=activity.occurrences.first().pk, user=factories.UserFactory()
        )
        if event == "reminder":
            messages = sent(activity_notifications.reminders_send)
        else:
            messages = sent(
                lambda: activity_notifications.registration_notify(
                    registration_id=registration.pk, event=event
                )
            )
        return messages, msgid, {"title": activity.title}

    return kind


Event = Notification.Event
KINDS = {
    "invitation": _invitation,
    "worker verified": _worker(True),
    "worker rejected": _worker(False),
    "moderation approved": _moderation(AuditEntry.Action.APPROVE, "“%(title)s” is approved"),
    "moderation rejected": _moderation(AuditEntry.Action.REJECT, "“%(title)s” was not approved"),
    "help asked": _help_match("asked", "A neighbour asks for your help"),
    "help accepted": _help_match("accepted", "A neighbour said yes to your request"),
    "help declined": _help_match("declined", "A neighbour cannot help this time"),
    "help message": _help_match("message", "A new message about neighbour help"),
    "help offer expiring": _offer_expiring,
    "help request closed": _request_closed,
    "referral new": _referral(Event.NEW, "A social worker introduces someone to %(organisation)s"),
    "referral accepted": _referral(
        Event.ACCEPTED, "%(organisation)s welcomes the person you referred"
    ),
    "referral declined": _referral(Event.DECLINED, "%(organisation)s cannot take on your referral"),
    "referral withdrawn": _referral(Event.WITHDRAWN, "Referral #%(number)s was withdrawn"),
    "referral companion asked": _referral(
        Event.COMPANION_ASKED, "Would you go along with someone the first time?"
    ),
    "referral companion answered": _referral(
        Event.COMPANION_ANSWERED, "Referral #%(number)s: the companion answered"
    ),
    "referral follow-up": _referral(
        Event.FOLLOW_UP, "%(weeks)s weeks on: did the person go to %(organisation)s?"
    ),
    "registration new": _registration("new", "New registration for %(title)s"),
    "registration moved up": _registration("moved_up", "You have a place at %(title)s"),
    "registration reminder": _registration("reminder", "Tomorrow: %(title)s"),
}


def test_every_event_of_the_outbox_is_covered():
    covered = {name.removeprefix("referral ").replace(" ", "_") for name in KINDS}
    assert {e.replace("-", "_") for e in Event.values} <= {c.replace("-", "_") for c in covered}


# Nothing to link to: a rejected item is not shown, a withdrawn referral needs nothing more.
WITHOUT_LINK = {"moderation rejected", "referral withdrawn"}


@pytest.mark.parametrize("language", ["nl", "fr"])
@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_of_e_mail_is_in_the_recipients_language_with_one_prefix_and_a_link(
    kind, language, settings
):
    settings.LANGUAGE_CODE = language  # the recipients' language (accounts store none)

    messages, msgid, params = KINDS[kind](language)

    with translation.override(language):
        expected = gettext(msgid) % params
    assert expected != msgid % params  # the catalogue has it: the test can tell languages apart
    assert messages
    for message in messages:
        # Subject and body are rendered together, in one language.
        assert message.subject == PREFIX + expected
        assert message.subject.count(PREFIX.strip()) == 1
        assert f"{SITE}//" not in message.body
        assert not re.search(r"(^|\s)/\w", message.body)  # no link without the site
        if kind not in WITHOUT_LINK:
            assert LINK.search(message.body), message.body


def test_an_invitation_is_written_in_the_inviters_language_not_the_sites(settings):
    settings.LANGUAGE_CODE = "nl"
    messages, msgid, params = _invitation("fr")
    with translation.override("fr"):
        assert messages[0].subject == PREFIX + gettext(msgid) % params


def test_a_user_with_a_language_of_their_own_is_written_to_in_it(settings):
    """Ready for accounts that store a language: it wins over the site's."""
    settings.LANGUAGE_CODE = "nl"
    user = factories.UserFactory()
    user.language = "fr"
    message = message_render(
        template_prefix="accounts/email/worker_verified",
        context={"user": user, "account_url": site_url("/")},
        recipient=user,
    )
    with translation.override("fr"):
        assert message.subject == PREFIX + gettext("You are verified as a worker")
    assert message.to == [user.email]


def test_an_html_alternative_is_attached_when_its_template_exists(tmp_path, settings):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "hello_subject.txt").write_text("Hello\n  {{ name }}\n")
    (tmp_path / "x" / "hello_message.txt").write_text("Hello {{ name }}")
    (tmp_path / "x" / "hello_message.html").write_text("<p>Hello {{ name }}</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    message = message_render(
        template_prefix="x/hello", context={"name": "Els"}, recipient="els@example.org"
    )
    assert (message.subject, message.body, message.to) == (
        PREFIX + "Hello Els",
        "Hello Els",
        ["els@example.org"],
    )
    assert message.alternatives[0][0] == "<p>Hello Els</p>"
    plain = message_render(
        template_prefix="accounts/email/worker_rejected",
        context={"account_url": site_url("/")},
        recipient="els@example.org",
    )
    assert plain.alternatives == []


# --- Sent after the commit, never inside the transaction ------------------------------------------


def _moderation_decide():
    organisation = factories.OrganisationFactory(moderation_state="pending")
    factories.MembershipFactory(organisation=organisation, role="admin")
    moderator = factories.UserFactory(is_moderator=True)
    return lambda: moderation_services.moderation_decide(
        moderator=moderator, target=organisation, decision="approve", reason=""
    )


def _invitation_create():
    membership = factories.MembershipFactory(role="admin")
    return lambda: accounts_services.invitation_create(
        organisation=membership.organisation,
        email="lid@example.org",
        role="editor",
        invited_by=membership.user,
    )


def _worker_verify():
    profile = factories.WorkerProfileFactory()
    moderator = factories.UserFactory(is_moderator=True)
    return lambda: accounts_services.worker_verify(profile=profile, moderator=moderator)


def _help_match_create():
    item = factories.HelpRequestFactory()
    offer = factories.HelpOfferFactory()
    return lambda: help_services.help_match_create(request=item, offer=offer, actor=item.requester)


def _help_housekeeping():
    item = factories.HelpRequestFactory()
    return lambda: help_services.help_housekeeping(
        now=item.closes_at + datetime.timedelta(minutes=1)
    )


def _referral_create():
    organisation, _contact = association()
    return lambda: referral(to=organisation)


def _registration_create():
    activity = factories.ActivityFactory(
        registration_required=True, contact_email="info@example.org"
    )
    user = factories.UserFactory()
    return lambda: activity_services.registration_create(
        occurrence_id=activity.occurrences.first().pk, user=user
    )


WRITES = {
    "moderation decision": _moderation_decide,
    "invitation": _invitation_create,
    "worker verified": _worker_verify,
    "help match": _help_match_create,
    "help housekeeping": _help_housekeeping,
    "referral": _referral_create,
    "registration": _registration_create,
}


@pytest.mark.parametrize("write", WRITES)
def test_nothing_is_sent_before_the_commit(write, django_capture_on_commit_callbacks):
    action = WRITES[write]()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        action()
        assert mail.outbox == []  # still inside the transaction
    assert callbacks
    assert mail.outbox  # sent once it committed


def test_a_rolled_back_write_sends_nothing(django_capture_on_commit_callbacks):
    from django.db import transaction

    action = _invitation_create()

    def rolled_back():
        with transaction.atomic():
            action()
            raise RuntimeError

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        rolled_back()
    assert mail.outbox == []


def test_allauths_mails_go_out_after_the_commit_with_the_one_prefix(
    client, django_capture_on_commit_callbacks
):
    from django.urls import reverse

    factories.UserFactory(email="bestaand@example.org")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(reverse("account_reset_password"), {"email": "bestaand@example.org"})
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    [message] = mail.outbox
    assert message.subject.startswith(PREFIX)
    assert message.subject.count(PREFIX.strip()) == 1
