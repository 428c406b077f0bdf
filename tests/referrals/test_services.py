import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.moderation import ModerationState
from moderation.models import AuditEntry
from referrals import notifications, services
from referrals.models import FirstContact, FollowUp, Notification, Referral
from tests import factories

from .helpers import accepted, association, companion_offer, referral, worker

pytestmark = pytest.mark.django_db


def test_a_referral_notifies_the_association_and_the_companion(
    django_capture_on_commit_callbacks,
):
    organisation, contact = association()
    offer = companion_offer()
    with django_capture_on_commit_callbacks(execute=True):
        made = referral(
            to=organisation, companion_offer=offer, first_contact=FirstContact.COMPANION
        )
    assert made.status == Referral.Status.SENT
    assert made.companion_status == Referral.CompanionStatus.ASKED
    assert made.neighbourhood_id == organisation.neighbourhood_id
    sent = {(n.recipient, n.event, n.status) for n in made.notifications.all()}
    assert sent == {
        (contact, "new", "sent"),
        (offer.helper, "companion_asked", "sent"),
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted([contact.email, offer.helper.email])


def test_e_mails_carry_no_name_note_or_needs(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = referral(pseudonym="Jozefien", note="Komt liefst met de tram.")
    accepted_ = None
    with django_capture_on_commit_callbacks(execute=True):
        accepted_ = accepted(made)
    assert accepted_.status == Referral.Status.ACCEPTED
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = message.subject + message.body
        assert "Jozefien" not in text
        assert "tram" not in text
        assert "Company" not in text
        assert f"/verbinden/{made.pk}/" in text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent": False}, "consent"),
        ({"first_contact": FirstContact.COMPANION}, "companion_offer"),
    ],
)
def test_a_referral_needs_consent_and_a_companion_when_one_is_chosen(change, field):
    with pytest.raises(ValidationError) as error:
        referral(**change)
    assert field in error.value.message_dict
    assert not Referral.objects.exists()


def test_only_verified_workers_refer():
    unverified = factories.WorkerProfileFactory(verified_at=None).user
    for user in (factories.UserFactory(), unverified):
        with pytest.raises(ValidationError):
            referral(by=user)
    assert not Referral.objects.exists()


def test_only_to_a_published_association_with_someone_to_answer():
    draft, _contact = association(status="draft")
    nobody = factories.OrganisationFactory()
    for organisation in (draft, nobody):
        with pytest.raises(ValidationError):
            referral(to=organisation)
    assert not Referral.objects.exists()


def test_the_activity_must_be_a_public_one_of_the_association():
    organisation, _contact = association()
    other = factories.ActivityFactory()
    draft = factories.ActivityFactory(organisation=organisation, status="draft")
    for activity in (other, draft):
        with pytest.raises(ValidationError) as error:
            referral(to=organisation, activity=activity)
        assert "activity" in error.value.message_dict


def test_a_companion_must_have_a_public_offer_and_not_be_the_worker():
    referring = worker()
    own = companion_offer(helper=referring)
    pending = companion_offer(moderation_state=ModerationState.PENDING)
    for offer in (own, pending):
        with pytest.raises(ValidationError):
            referral(by=referring, companion_offer=offer)


def test_accepting_plans_follow_ups_at_2_6_and_12_weeks():
    made = accepted(referral())
    today = timezone.localdate(made.responded_at)
    assert [(f.weeks, f.due_on) for f in made.follow_ups.order_by("weeks")] == [
        (2, today + datetime.timedelta(weeks=2)),
        (6, today + datetime.timedelta(weeks=6)),
        (12, today + datetime.timedelta(weeks=12)),
    ]


def test_a_proposed_moment_counts_from_that_day_and_can_be_moved():
    made = referral()
    contact = made.organisation.memberships.first().user
    moment = timezone.now() + datetime.timedelta(days=10)
    services.referral_respond(user=contact, referral=made, decision="propose", moment=moment)
    first = made.follow_ups.get(weeks=2)
    assert first.due_on == timezone.localdate(moment) + datetime.timedelta(weeks=2)
    later = moment + datetime.timedelta(days=7)
    services.referral_respond(user=contact, referral=made, decision="propose", moment=later)
    first.refresh_from_db()
    assert first.due_on == timezone.localdate(later) + datetime.timedelta(weeks=2)


@pytest.mark.parametrize(
    ("decision", "extra"),
    [
        ("propose", {}),
        ("propose", {"moment": timezone.now() - datetime.timedelta(hours=1)}),
        ("decline", {}),
        ("maybe", {}),
    ],
)
def test_bad_answers_change_nothing(decision, extra):
    made = referral()
    contact = made.organisation.memberships.first().user
    with pytest.raises(ValidationError):
        services.referral_respond(user=contact, referral=made, decision=decision, **extra)
    made.refresh_from_db()
    assert made.status == Referral.Status.SENT
    assert not made.follow_ups.exists()


def test_only_members_answer_and_only_once():
    made = referral()
    moderator = factories.UserFactory(is_moderator=True)
    for outsider in (moderator, made.worker, factories.UserFactory()):
        with pytest.raises(ValidationError):
            services.referral_respond(user=outsider, referral=made, decision="accept")
    contact = made.organisation.memberships.first().user
    services.referral_respond(
        user=contact, referral=made, decision="decline", reason="full", note="Vol tot juni."
    )
    with pytest.raises(ValidationError):
        services.referral_respond(user=contact, referral=made, decision="accept")
    made.refresh_from_db()
    assert (made.status, made.decline_reason) == ("declined", "full")
    assert not made.follow_ups.exists()


def test_the_companion_answers_and_the_worker_is_told():
    offer = companion_offer()
    made = referral(companion_offer=offer, first_contact=FirstContact.COMPANION)
    with pytest.raises(ValidationError):
        services.companion_answer(user=factories.UserFactory(), referral=made, accept=True)
    services.companion_answer(user=offer.helper, referral=made, accept=True)
    assert made.companion_status == Referral.CompanionStatus.ACCEPTED
    assert made.notifications.filter(recipient=made.worker, event="companion_answered").exists()
    with pytest.raises(ValidationError):
        services.companion_answer(user=offer.helper, referral=made, accept=False)


def test_withdrawing_tells_the_association_and_drops_unasked_follow_ups():
    made = accepted(referral())
    with pytest.raises(ValidationError):
        services.referral_withdraw(user=factories.UserFactory(), referral=made)
    services.referral_withdraw(user=made.worker, referral=made)
    assert made.status == Referral.Status.WITHDRAWN
    assert not made.follow_ups.exists()
    contact = made.organisation.memberships.first().user
    assert made.notifications.filter(recipient=contact, event="withdrawn").exists()


def test_follow_ups_are_asked_once_when_due(django_capture_on_commit_callbacks):
    made = accepted(referral())
    start = timezone.localdate(made.responded_at)
    assert services.follow_ups_ask(today=start + datetime.timedelta(days=13)) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert services.follow_ups_ask(today=start + datetime.timedelta(weeks=2)) == 1
    assert services.follow_ups_ask(today=start + datetime.timedelta(weeks=2)) == 0
    (message,) = mail.outbox
    assert message.to == [made.worker.email]
    follow_up = made.follow_ups.get(weeks=2)
    # One-click answers: a link per answer, with the follow-up's token.
    assert follow_up.answer_url("regularly") in message.body
    assert follow_up.answer_url("never") in message.body


def test_answers_set_the_outcome_and_stop_questions_after_never():
    made = accepted(referral())
    start = timezone.localdate(made.responded_at)
    services.follow_ups_ask(today=start + datetime.timedelta(weeks=2))
    two = made.follow_ups.get(weeks=2)
    with pytest.raises(ValidationError):
        services.follow_up_answer(user=factories.UserFactory(), follow_up=two, answer="never")
    with pytest.raises(ValidationError):
        services.follow_up_answer(user=made.worker, follow_up=two, answer="perhaps")
    services.follow_up_answer(user=made.worker, follow_up=two, answer="never")
    made.refresh_from_db()
    assert made.outcome == "never"
    assert services.follow_ups_ask(today=start + datetime.timedelta(weeks=12)) == 0


def test_still_going_counts_only_the_12_week_answer():
    made = accepted(referral())
    start = timezone.localdate(made.responded_at)
    services.follow_ups_ask(today=start + datetime.timedelta(weeks=6))
    six = made.follow_ups.get(weeks=6)
    services.follow_up_answer(user=made.worker, follow_up=six, answer="regularly")
    made.refresh_from_db()
    assert (made.outcome, made.still_going_at_12_weeks) == ("regularly", False)
    services.follow_ups_ask(today=start + datetime.timedelta(weeks=12))
    twelve = made.follow_ups.get(weeks=12)
    with pytest.raises(ValidationError):  # not asked yet: cannot be answered early
        services.follow_up_answer(
            user=made.worker, follow_up=FollowUp(referral=made, weeks=20), answer="once"
        )
    services.follow_up_answer(user=made.worker, follow_up=twelve, answer="regularly")
    made.refresh_from_db()
    assert made.still_going_at_12_weeks is True


def test_views_by_anyone_but_the_worker_are_audited_without_the_name():
    made = referral(pseudonym="Jozefien")
    contact = made.organisation.memberships.first().user
    assert services.referral_views_record(user=made.worker, referrals=[made]) == 0
    assert services.referral_views_record(user=contact, referrals=[made]) == 1
    entry = AuditEntry.objects.get(action="view")
    assert (entry.actor, entry.object_id) == (contact, made.pk)
    assert "Jozefien" not in entry.target_repr


def test_referrals_are_anonymised_after_the_retention_period(settings):
    settings.REFERRAL_RETENTION_DAYS = 365
    old = accepted(referral(pseudonym="Jozefien", note="Komt met de tram.", give_back="cook"))
    recent = referral()
    Referral.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    services.follow_ups_ask(today=timezone.localdate() + datetime.timedelta(weeks=12))
    services.follow_up_answer(
        user=old.worker, follow_up=old.follow_ups.get(weeks=12), answer="regularly"
    )
    assert services.referrals_anonymise_expired() == 1
    old.refresh_from_db()
    assert (old.pseudonym, old.note, old.give_back, old.worker, old.responded_by) == (
        "",
        "",
        "",
        None,
        None,
    )
    assert old.created_at.day == 1
    assert old.anonymised_at is not None
    assert not old.follow_ups.exists()
    assert not old.notifications.exists()
    # Counts survive: organisation, needs and outcome stay.
    assert (old.needs, old.outcome) == (["company", "creative"], "regularly")
    assert old.still_going_at_12_weeks is True
    recent.refresh_from_db()
    assert recent.pseudonym == "Jan"
    assert services.referrals_anonymise_expired() == 0


def test_the_retention_task_of_accounts_runs_it(settings):
    from accounts.services import personal_data_retention

    settings.REFERRAL_RETENTION_DAYS = 30
    made = referral()
    Referral.objects.filter(pk=made.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=31)
    )
    result = personal_data_retention()
    assert result["referrals"] == 1
    made.refresh_from_db()
    assert made.pseudonym == ""


def test_a_failing_mail_server_is_retried_then_shown_and_can_be_sent_again(
    settings, django_capture_on_commit_callbacks
):
    # A real SMTP connection to a port nobody listens on.
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with django_capture_on_commit_callbacks(execute=True):
        made = referral()
    assert Referral.objects.filter(pk=made.pk).exists()  # saved whatever the mail server did
    notification = made.notifications.get()
    # Without a broker the task runs once (core.tasks.enqueue): no retries run inline, each
    # waiting for the mail server again; it is shown as not sent, with "Send it again".
    assert notification.status == Notification.Status.FAILED
    assert notification.attempts == 1
    assert "Connection" in notification.last_error or "refused" in notification.last_error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        notifications.notification_retry(notification=notification)
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1


def test_the_worker_can_download_and_leave_without_taking_the_referral_along():
    from accounts import services as accounts_services
    from accounts.personal_data import exporters

    made = referral(pseudonym="Jozefien")
    exported = exporters()["referrals"](made.worker)
    assert exported[0]["pseudonym"] == "Jozefien"
    assert exported[0]["association"] == made.organisation.name
    accounts_services.account_delete(user=made.worker)
    made.refresh_from_db()
    # The association still expects the person; follow-ups have no one to ask any more.
    assert made.worker is None
    assert made.status == Referral.Status.SENT
