"""Reports: three different accounts hide an item; the author never learns who reported."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from buurt.models import Organisation
from core.moderation import ModerationState
from moderation import services
from moderation.models import AuditEntry, Report
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def report(user, target, reason=Report.Reason.INCORRECT, details=""):
    return services.report_create(reporter=user, target=target, reason=reason, details=details)


def report_url(organisation):
    return reverse("moderation:report", args=["buurt.organisation", organisation.pk])


def test_three_reports_from_different_accounts_hide_the_item(
    organisation, author, reporters, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report(reporters[0], organisation)
        report(reporters[1], organisation, reason=Report.Reason.SPAM)
    organisation.refresh_from_db()
    assert organisation.moderation_state == ModerationState.APPROVED
    assert Organisation.objects.public().filter(pk=organisation.pk).exists()
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        report(reporters[2], organisation, reason=Report.Reason.PERSONAL_DATA)

    organisation.refresh_from_db()
    assert organisation.moderation_state == ModerationState.HIDDEN
    assert not Organisation.objects.public().filter(pk=organisation.pk).exists()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.target) == ("auto_hide", None, organisation)
    [mail] = mailoutbox
    assert mail.to == [author.email]
    assert "Buurttheater De Koekoek" in mail.subject
    assert "hidden" in mail.body


def test_the_same_account_reporting_twice_counts_once(organisation, reporters):
    report(reporters[0], organisation)
    with pytest.raises(services.AlreadyReported):
        report(reporters[0], organisation, reason=Report.Reason.SPAM)
    report(reporters[1], organisation)

    assert Report.objects.count() == 2
    organisation.refresh_from_db()
    assert organisation.moderation_state == ModerationState.APPROVED


def test_reports_on_other_items_do_not_add_up(organisation, reporters):
    other = OrganisationFactory()
    report(reporters[0], organisation)
    report(reporters[1], organisation)
    report(reporters[2], other)

    organisation.refresh_from_db()
    assert organisation.moderation_state == ModerationState.APPROVED


def test_only_public_items_can_be_reported(reporters):
    pending = OrganisationFactory(moderation_state=ModerationState.PENDING)
    draft = OrganisationFactory(status=Organisation.Status.DRAFT)
    for target in (pending, draft):
        with pytest.raises(Organisation.DoesNotExist):
            report(reporters[0], target)
    assert not Report.objects.exists()


def test_anonymous_users_cannot_report(organisation):
    with pytest.raises(PermissionDenied):
        report(AnonymousUser(), organisation)


def test_reporting_is_rate_limited(reporters, monkeypatch):
    monkeypatch.setattr(services, "REPORT_RATE_LIMIT", 2)
    organisations = OrganisationFactory.create_batch(3)
    report(reporters[0], organisations[0])
    report(reporters[0], organisations[1])
    with pytest.raises(services.RateLimited) as limited:
        report(reporters[0], organisations[2])
    assert 0 < limited.value.retry_after <= services.REPORT_RATE_PERIOD_SECONDS
    report(reporters[1], organisations[2])  # counted per account


# --- The pages -----------------------------------------------------------------------------


def test_the_organisation_page_has_a_report_link(client, organisation):
    response = client.get(organisation.get_absolute_url())
    assert f'href="{report_url(organisation)}"' in response.content.decode()


def test_anonymous_visitors_get_a_log_in_link(client, organisation):
    response = client.get(report_url(organisation))

    assert response.status_code == 200
    content = response.content.decode()
    assert f"{reverse('account_login')}?next=/melden/buurt.organisation/{organisation.pk}/" in (
        content
    )
    assert '<form method="post">' not in content

    response = client.post(report_url(organisation), {"reason": "spam"})
    assert response.status_code == 200
    assert not Report.objects.exists()


def test_a_signed_in_user_reports_with_a_reason(client, organisation, reporters):
    client.force_login(reporters[0])
    form = client.get(report_url(organisation))
    assert 'name="reason"' in form.content.decode()

    response = client.post(report_url(organisation), {"reason": "unsafe", "details": " Adres! "})

    assert response.status_code == 302
    assert response["Location"] == reverse("moderation:report-thanks")
    saved = Report.objects.get()
    assert (saved.reporter, saved.target, saved.reason, saved.details) == (
        reporters[0],
        organisation,
        "unsafe",
        "Adres!",
    )
    page = client.get(organisation.get_absolute_url()).content.decode()
    assert "You reported this" in page
    assert "already reported" in client.get(report_url(organisation)).content.decode()
    client.post(report_url(organisation), {"reason": "spam"})
    assert Report.objects.count() == 1


def test_a_report_needs_a_known_reason(client, organisation, reporters):
    client.force_login(reporters[0])
    response = client.post(report_url(organisation), {"reason": "because"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    assert not Report.objects.exists()


def test_too_many_reports_get_429_with_retry_after(client, reporters, monkeypatch):
    monkeypatch.setattr(services, "REPORT_RATE_LIMIT", 1)
    first, second = OrganisationFactory.create_batch(2)
    client.force_login(reporters[0])
    client.post(report_url(first), {"reason": "spam"})

    response = client.post(report_url(second), {"reason": "spam"})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert Report.objects.count() == 1


def test_hidden_and_unknown_items_cannot_be_reported(client, reporters):
    hidden = OrganisationFactory(moderation_state=ModerationState.HIDDEN)
    client.force_login(reporters[0])
    for url in (
        report_url(hidden),
        reverse("moderation:report", args=["buurt.organisation", 999_999]),
        reverse("moderation:report", args=["buurt.neighbourhood", hidden.pk]),
        reverse("moderation:report", args=["accounts.user", reporters[0].pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": "spam"}).status_code == 404
    assert not Report.objects.exists()


def test_reporting_needs_the_csrf_token(organisation, reporters):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(reporters[0])
    assert client.post(report_url(organisation), {"reason": "spam"}).status_code == 403
    assert not Report.objects.exists()


# --- The author never learns who reported --------------------------------------------------


def test_the_author_never_sees_who_reported(
    client, organisation, author, reporters, moderator, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    secret_details = "Ik ben de buurvrouw van nummer 3"
    with django_capture_on_commit_callbacks(execute=True):
        report(reporters[0], organisation, details=secret_details)
        report(reporters[1], organisation, details=secret_details)
    client.force_login(author)
    pages = [
        client.get(organisation.get_absolute_url()),
        client.get(reverse("accounts:dashboard")),
        client.get(reverse("accounts:export")),
    ]

    with django_capture_on_commit_callbacks(execute=True):
        report(reporters[2], organisation, details=secret_details)  # hides it
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_decide(
            moderator=moderator, target=organisation, decision="reject", reason="Verouderd."
        )
    pages.append(client.get(organisation.get_absolute_url()))  # now 404

    assert [p.status_code for p in pages] == [200, 200, 200, 404]
    assert len(mailoutbox) == 2
    seen_by_author = [p.content.decode() for p in pages] + [
        f"{m.subject}\n{m.body}\n{m.to}\n{m.cc}\n{m.bcc}\n{m.reply_to}" for m in mailoutbox
    ]
    for reporter in reporters:
        for text in seen_by_author:
            assert reporter.email not in text
            assert reporter.first_name not in text
    for text in seen_by_author:
        assert secret_details not in text
        assert "Geheim" not in text
