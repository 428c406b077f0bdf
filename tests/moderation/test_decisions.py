"""Approve, reject and hide: the state, the reports, the audit log and the author's e-mail."""

import smtplib

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.mail.backends.locmem import EmailBackend

from buurt.models import Organisation
from core.moderation import ModerationState
from moderation import services
from moderation.models import AuditEntry, Report
from moderation.tasks import decision_notify_task
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def decide(moderator, django_capture_on_commit_callbacks):
    """Decide as the moderator and run what is queued for after the commit (the e-mail)."""

    def decide(target, decision, reason="", by=moderator):
        with django_capture_on_commit_callbacks(execute=True):
            return services.moderation_decide(
                moderator=by, target=target, decision=decision, reason=reason
            )

    return decide


@pytest.fixture
def pending(organisation, author):
    Organisation.objects.filter(pk=organisation.pk).update(moderation_state=ModerationState.PENDING)
    organisation.refresh_from_db()
    return organisation


def hide_by_reports(target, reporters):
    for reporter in reporters:
        services.report_create(reporter=reporter, target=target, reason=Report.Reason.SPAM)
    target.refresh_from_db()
    assert target.moderation_state == ModerationState.HIDDEN


def test_approving_publishes_and_mails_the_reason_to_the_author(
    pending, author, moderator, decide, mailoutbox, settings
):
    settings.SITE_URL = "https://buurtkaart.example"
    entry = decide(pending, "approve", reason="Welkom op de kaart!")

    pending.refresh_from_db()
    assert pending.moderation_state == ModerationState.APPROVED
    assert Organisation.objects.public().filter(pk=pending.pk).exists()
    assert (entry.action, entry.actor, entry.actor_repr, entry.target) == (
        AuditEntry.Action.APPROVE,
        moderator,
        str(moderator),
        pending,
    )
    assert entry.reason == "Welkom op de kaart!"
    [message] = mailoutbox
    assert message.to == [author.email]
    assert message.subject == "[Buurtkaart] “Buurttheater De Koekoek” is approved"
    assert "Welkom op de kaart!" in message.body
    assert "https://buurtkaart.example/organisaties/buurttheater-de-koekoek/" in message.body


def test_rejecting_needs_a_reason_that_is_mailed(pending, author, decide, mailoutbox):
    with pytest.raises(services.ModerationError):
        decide(pending, "reject", reason="   ")
    assert mailoutbox == []

    decide(pending, "reject", reason="Dit is een bedrijf, geen vereniging.")

    pending.refresh_from_db()
    assert pending.moderation_state == ModerationState.REJECTED
    assert not Organisation.objects.public().filter(pk=pending.pk).exists()
    [message] = mailoutbox
    assert message.to == [author.email]
    assert "was not approved" in message.subject
    assert "Dit is een bedrijf, geen vereniging." in message.body
    assert "organisaties/" not in message.body  # no link to a page that is not there


def test_decisions_go_to_every_admin_and_to_editors_only_without_admins(
    pending, author, decide, mailoutbox
):
    second_admin = MembershipFactory(organisation=pending).user
    MembershipFactory(organisation=pending, role="editor")
    MembershipFactory(organisation=pending, user__is_active=False)
    decide(pending, "approve")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([author.email, second_admin.email])

    only_editors = OrganisationFactory(moderation_state=ModerationState.PENDING)
    editor = MembershipFactory(organisation=only_editors, role="editor").user
    mailoutbox.clear()
    decide(only_editors, "reject", reason="Onvolledig.")
    assert [m.to for m in mailoutbox] == [[editor.email]]


def test_approving_a_hidden_item_shows_it_again_and_closes_its_reports(
    organisation, author, reporters, decide, mailoutbox
):
    hide_by_reports(organisation, reporters)
    mailoutbox.clear()

    entry = decide(organisation, "approve", reason="Klopt wel.")

    organisation.refresh_from_db()
    assert organisation.moderation_state == ModerationState.APPROVED
    assert entry.action == AuditEntry.Action.UNHIDE
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    assert set(Report.objects.values_list("resolved_by", flat=True)) == {entry.actor.pk}
    [message] = mailoutbox
    assert "visible again" in message.subject
    # The same accounts cannot hide it again; three new ones can.
    for reporter in reporters:
        with pytest.raises(services.AlreadyReported):
            services.report_create(reporter=reporter, target=organisation, reason="spam")
    hide_by_reports(organisation, UserFactory.create_batch(3))


def test_hiding_and_rejecting_a_public_item(organisation, author, decide, mailoutbox):
    decide(organisation, "hide", reason="Het adres klopt niet, pas het aan.")
    organisation.refresh_from_db()
    assert organisation.moderation_state == ModerationState.HIDDEN
    assert "hidden for now" in mailoutbox[-1].subject
    assert "Het adres klopt niet" in mailoutbox[-1].body

    decide(organisation, "reject", reason="Niet aangepast.")
    organisation.refresh_from_db()
    assert organisation.moderation_state == ModerationState.REJECTED
    assert [e.action for e in AuditEntry.objects.order_by("pk")] == ["hide", "reject"]


def test_keeping_a_reported_item_dismisses_the_reports_without_bothering_the_author(
    organisation, author, reporters, decide, mailoutbox
):
    services.report_create(reporter=reporters[0], target=organisation, reason="spam")

    decide(organisation, "approve", reason="Geen spam.")

    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    assert AuditEntry.objects.get().action == AuditEntry.Action.APPROVE
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("state", "decision"),
    [("pending", "hide"), ("hidden", "hide"), ("rejected", "reject"), ("rejected", "hide")],
)
def test_impossible_decisions_are_refused(organisation, decide, state, decision):
    Organisation.objects.filter(pk=organisation.pk).update(moderation_state=state)
    with pytest.raises(services.ModerationError):
        decide(organisation, decision, reason="Waarom niet.")
    organisation.refresh_from_db()
    assert organisation.moderation_state == state
    assert not AuditEntry.objects.exists()


def test_only_moderators_decide(pending, author, decide):
    coordinator = UserFactory(is_coordinator=True)
    for user in (author, UserFactory(), coordinator):
        with pytest.raises(PermissionDenied):
            decide(pending, "approve", by=user)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    decide(pending, "approve", by=superuser)
    pending.refresh_from_db()
    assert pending.moderation_state == ModerationState.APPROVED


def test_a_decision_changes_only_the_state(pending, decide):
    before = Organisation.objects.filter(pk=pending.pk).values().get()
    decide(pending, "approve")
    after = Organisation.objects.filter(pk=pending.pk).values().get()
    assert {k for k in before if before[k] != after[k]} == {"moderation_state"}


class FlakyBackend(EmailBackend):
    """Refuses the first message, as a mail server that is briefly away."""

    failures = 0

    def send_messages(self, messages):
        if FlakyBackend.failures == 0:
            FlakyBackend.failures += 1
            raise smtplib.SMTPServerDisconnected("gone for a moment")
        return super().send_messages(messages)


def test_the_mail_task_retries_when_the_mail_server_fails(pending, author, moderator, settings):
    entry = services.moderation_decide(moderator=moderator, target=pending, decision="approve")
    settings.EMAIL_BACKEND = "tests.moderation.test_decisions.FlakyBackend"
    FlakyBackend.failures = 0

    result = decision_notify_task.apply(args=[entry.pk])

    assert result.successful()
    assert result.get() == 1
    assert FlakyBackend.failures == 1
    assert [m.to for m in mail.outbox] == [[author.email]]
    assert decision_notify_task.max_retries == 5


def test_the_mail_task_does_nothing_for_a_deleted_item(pending, author, moderator, mailoutbox):
    entry = services.moderation_decide(moderator=moderator, target=pending, decision="approve")
    pending.delete()
    assert services.decision_notify(audit_entry_id=entry.pk) == 0
    assert mailoutbox == []
