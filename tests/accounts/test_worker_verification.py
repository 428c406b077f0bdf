"""What a moderator needs to verify a worker: the employer (from the list, or by name when it
is not on the map), a work e-mail address confirmed by a link sent to it, and a phone number
for a check; all of it in the moderation queue."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import WorkerProfile
from moderation.models import AuditEntry
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

REQUEST = reverse("accounts:worker-request")
QUEUE = reverse("accounts:worker-queue")


@pytest.fixture
def ocmw():
    return OrganisationFactory(name="OCMW Gent", kind="public_service")


def link_in(message) -> str:
    return re.search(r"https?://\S+/account/hulpverlener/\d+/\S+/", message.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_the_work_address_is_confirmed_by_its_link_and_shown_to_the_moderator(
    client, ocmw, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="an.privé@example.org")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            REQUEST,
            {
                "profession": "ocmw",
                "employer": ocmw.pk,
                "work_email": "An.Peeters@OCMW.gent.example.org",
                "phone": " 09  266 35 00 ",
            },
        )
    assert response.status_code == 302
    profile = WorkerProfile.objects.get(user=user)
    assert (profile.employer, profile.employer_name) == (ocmw, "")
    assert profile.work_email == "an.peeters@ocmw.gent.example.org"
    assert profile.phone == "09 266 35 00"
    assert not profile.work_email_confirmed
    [message] = mailoutbox
    assert message.to == ["an.peeters@ocmw.gent.example.org"]
    link = link_in(message)
    assert profile.work_email_token in link

    moderator = UserFactory(is_moderator=True)
    client.force_login(moderator)
    queue = client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "an.peeters@ocmw.gent.example.org · not confirmed yet" in queue
    assert 'href="tel:092663500"' in queue
    assert "OCMW Gent" in queue

    # The link in the moderator's session confirms nothing: it is the worker's own.
    assert client.get(path_of(link)).status_code == 404
    client.logout()
    assert client.get(path_of(link)).status_code == 302  # to the log-in page
    profile.refresh_from_db()
    assert not profile.work_email_confirmed

    client.force_login(user)
    assert client.get(path_of(link)).status_code == 302
    assert client.get(path_of(link)).status_code == 302  # again: changes nothing
    profile.refresh_from_db()
    assert profile.work_email_confirmed
    # In the audit log once, as a claim's address is (accounts.address_links).
    confirmed = AuditEntry.objects.filter(action=AuditEntry.Action.CONFIRM_EMAIL)
    assert [(e.actor, e.object_id) for e in confirmed] == [(user, profile.pk)]
    wrong = path_of(link).replace(profile.work_email_token, "x" * 32)
    assert client.get(wrong).status_code == 404

    client.force_login(moderator)
    queue = client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "an.peeters@ocmw.gent.example.org · <strong>confirmed on" in queue


@pytest.mark.parametrize(
    ("language", "not_listed", "subject"),
    [
        ("nl", "niet in de lijst", "Bevestig je werkadres"),
        ("fr", "pas dans la liste", "Confirmez votre adresse e-mail professionnelle"),
        ("en", "not in the list", "Confirm your work e-mail address"),
    ],
)
def test_an_employer_not_in_the_list_by_name(
    client, mailoutbox, django_capture_on_commit_callbacks, language, not_listed, subject
):
    user = UserFactory()
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            REQUEST,
            {
                "profession": "social_worker",
                "employer": "",
                "employer_name": "  CAW Oost-Vlaanderen, Gent ",
                "work_email": "sofie@caw.example.org",
                "phone": "+32 9 265 04 00",
            },
            HTTP_ACCEPT_LANGUAGE=language,
        )
    assert response.status_code == 302
    profile = WorkerProfile.objects.get(user=user)
    assert profile.employer is None
    assert profile.employer_label == "CAW Oost-Vlaanderen, Gent"
    assert subject in mailoutbox[0].subject

    client.force_login(UserFactory(is_moderator=True))
    queue = client.get(QUEUE, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    assert f"CAW Oost-Vlaanderen, Gent <em>({not_listed})</em>" in queue


@pytest.mark.parametrize(
    ("language", "employer_error", "phone_error"),
    [
        ("nl", "Kies je werkgever uit de lijst", "Geef een telefoonnummer met zonenummer"),
        ("fr", "Choisissez votre employeur dans la liste", "Donnez un numéro de téléphone"),
        ("en", "Choose your employer from the list", "Give a phone number with its area code"),
    ],
)
def test_without_employer_or_with_a_bad_phone_nothing_is_saved(
    client, mailoutbox, language, employer_error, phone_error
):
    client.force_login(UserFactory())
    response = client.post(
        REQUEST,
        {
            "profession": "ocmw",
            "employer": "",
            "employer_name": " ",
            "work_email": "an@ocmw.example.org",
            "phone": "bel me",
        },
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert employer_error in page
    assert phone_error in page
    assert not WorkerProfile.objects.exists()
    assert mailoutbox == []


def test_a_new_work_address_asks_for_confirmation_and_verification_again(
    ocmw, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.worker_request(
            user=user, profession="ocmw", employer=ocmw, work_email="a@ocmw.example.org"
        )
    services.worker_email_confirm(profile_id=profile.pk, token=profile.work_email_token, user=user)
    services.worker_verify(profile=profile, moderator=UserFactory(is_moderator=True))
    old_token = profile.work_email_token

    with django_capture_on_commit_callbacks(execute=True):
        same = services.worker_request(
            user=user, profession="ocmw", employer=ocmw, work_email="A@ocmw.example.org"
        )
    assert same.is_verified
    assert same.work_email_confirmed
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.worker_request(
            user=user, profession="ocmw", employer=ocmw, work_email="b@ocmw.example.org"
        )
    assert not moved.is_verified
    assert not moved.work_email_confirmed
    assert moved.work_email_token != old_token
    assert [m.to for m in mailoutbox if "hulpverlener" in m.body] == [
        ["a@ocmw.example.org"],
        ["b@ocmw.example.org"],
    ]
    with pytest.raises(WorkerProfile.DoesNotExist):
        services.worker_email_confirm(profile_id=moved.pk, token=old_token, user=user)


def test_the_work_address_link_expires_and_a_new_one_can_be_asked(
    client, ocmw, mailoutbox, django_capture_on_commit_callbacks, settings
):
    """The link works WORK_EMAIL_LINK_VALID_DAYS (14 by default); a late one confirms nothing
    and says so, and "Send a new link" on "My account" mails a fresh one (the old one stops)."""
    assert settings.WORK_EMAIL_LINK_VALID_DAYS == 14
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        profile = services.worker_request(
            user=user, profession="ocmw", employer=ocmw, work_email="a@ocmw.example.org"
        )
    old_link = path_of(link_in(mailoutbox[0]))
    WorkerProfile.objects.filter(pk=profile.pk).update(
        work_email_token_at=timezone.now() - timedelta(days=14, minutes=1)
    )
    client.force_login(user)

    late = client.get(old_link, follow=True)

    assert late.redirect_chain == [(reverse("accounts:dashboard"), 302)]
    page = late.content.decode()
    assert "This link to confirm your work e-mail address has expired." in page
    assert "a@ocmw.example.org is not confirmed yet" in page
    profile.refresh_from_db()
    assert not profile.work_email_confirmed

    with django_capture_on_commit_callbacks(execute=True):
        renewed = client.post(reverse("accounts:worker-email-resend"), follow=True)
    assert "We sent a new link to a@ocmw.example.org. It works for 14 days." in (
        renewed.content.decode()
    )
    new_link = path_of(link_in(mailoutbox[-1]))
    assert mailoutbox[-1].to == ["a@ocmw.example.org"]
    assert new_link != old_link
    assert client.get(old_link).status_code == 404  # the old token is gone
    assert client.get(new_link).status_code == 302
    profile.refresh_from_db()
    assert profile.work_email_confirmed
    # Nothing left to confirm: no new link.
    assert client.post(reverse("accounts:worker-email-resend")).status_code == 404


def test_a_link_just_within_its_days_still_confirms(ocmw, settings):
    settings.WORK_EMAIL_LINK_VALID_DAYS = 3
    user = UserFactory()
    profile = services.worker_request(
        user=user, profession="ocmw", employer=ocmw, work_email="a@ocmw.example.org"
    )
    WorkerProfile.objects.filter(pk=profile.pk).update(
        work_email_token_at=timezone.now() - timedelta(days=3) + timedelta(minutes=1)
    )
    confirmed = services.worker_email_confirm(
        profile_id=profile.pk, token=profile.work_email_token, user=user
    )
    assert confirmed.work_email_confirmed
