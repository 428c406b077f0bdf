"""Sign-up, e-mail verification, log-in, log-out and password reset through django-allauth."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://testserver(/\S+)")


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def sign_up(client, email="nieuw@example.org", password=PASSWORD):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password},
    )


def test_sign_up_verify_by_email_then_log_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="nieuw@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    # Not signed in until the address is confirmed.
    assert client.get(reverse("accounts:dashboard")).status_code == 302

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nieuw@example.org"]
    confirm_url = link_in(mailoutbox[0])
    # Opening the link shows a button; only the POST confirms (no state change through GET).
    assert client.get(confirm_url).status_code == 200
    assert not EmailAddress.objects.get(user=user).verified
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    client.post(reverse("account_logout"))
    response = client.post(
        reverse("account_login"), {"login": "nieuw@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard")
    assert client.get(reverse("accounts:dashboard")).status_code == 200


def test_sign_up_refuses_a_common_password(client):
    response = sign_up(client, password="password123")
    assert response.status_code == 200
    assert "too common" in response.content.decode()
    assert not User.objects.exists()


def test_an_unverified_account_cannot_log_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    UserFactory(email="wacht@example.org", verified=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_login"), {"login": "wacht@example.org", "password": PASSWORD}
        )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session
    # A new confirmation link is sent instead.
    assert len(mailoutbox) == 1


def test_log_in_page_extends_the_site_layout(client):
    content = client.get(reverse("account_login")).content.decode()
    assert 'class="site-header"' in content
    assert '<label for="id_login">' in content
    assert 'name="csrfmiddlewaretoken"' in content


def test_log_out_is_a_post(client):
    user = UserFactory()
    client.force_login(user)
    response = client.get(reverse("account_logout"))
    assert response.status_code == 200  # a confirmation page, still signed in
    assert "_auth_user_id" in client.session
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def test_header_shows_account_links(client):
    content = client.get(reverse("accounts:privacy")).content.decode()
    assert reverse("account_login") in content
    assert reverse("account_signup") in content
    client.force_login(UserFactory())
    content = client.get(reverse("accounts:privacy")).content.decode()
    assert reverse("accounts:dashboard") in content
    assert f'<form action="{reverse("account_logout")}" method="post">' in content


def test_five_failed_log_ins_per_minute_then_a_clear_message(client):
    user = UserFactory(email="doelwit@example.org")
    for _ in range(5):
        response = client.post(
            reverse("account_login"), {"login": user.email, "password": "fout-wachtwoord"}
        )
        assert "Too many failed login attempts" not in response.content.decode()
    response = client.post(
        reverse("account_login"), {"login": user.email, "password": "fout-wachtwoord"}
    )
    assert "Too many failed login attempts" in response.content.decode()
    # Even the right password is refused now, from this address (another gets in:
    # tests/accounts/test_login_lockout.py).
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_failed_log_ins_are_limited_per_ip_across_accounts(client):
    for n in range(5):
        client.post(
            reverse("account_login"), {"login": f"gok{n}@example.org", "password": "fout-123"}
        )
    response = client.post(
        reverse("account_login"), {"login": "nog-een@example.org", "password": "fout-123"}
    )
    assert "Too many failed login attempts" in response.content.decode()
    # Another address (another IP) is not affected.
    other = client.post(
        reverse("account_login"),
        {"login": "nog-een@example.org", "password": "fout-123"},
        REMOTE_ADDR="192.0.2.7",
    )
    assert "Too many failed login attempts" not in other.content.decode()


def test_password_reset_by_email(client, mailoutbox, django_capture_on_commit_callbacks):
    user = UserFactory(email="vergeten@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    reset_url = link_in(mailoutbox[0])

    # The link redirects to a URL without the key in it (it would leak through Referer).
    response = client.get(reset_url)
    assert response.status_code == 302
    new_password = "nieuw-buurtwachtwoord-42"
    response = client.post(
        response["Location"], {"password1": new_password, "password2": new_password}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_password_reset_does_not_tell_whether_an_account_exists(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "niemand@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("account_reset_password_done")


@pytest.mark.parametrize(
    ("url_name", "signed_in"),
    [
        ("account_login", False),
        ("account_signup", False),
        ("account_reset_password", False),
        ("account_reset_password_done", False),
        ("account_email_verification_sent", False),
        ("account_logout", True),
        ("account_change_password", True),
        ("account_email", True),
        ("accounts:dashboard", True),
        ("accounts:worker-request", True),
        ("accounts:delete", True),
        ("accounts:privacy", False),
    ],
)
def test_account_pages_render_in_the_site_layout(client, url_name, signed_in):
    if signed_in:
        client.force_login(UserFactory())
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="site-header"' in content
    assert content.count("<h1>") == 1
