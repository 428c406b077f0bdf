"""Wrong passwords do not lock an account's owner out (issue 14, section 4): the limit per
address does the main work, and a password reset gets the owner in at once."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")
LIMITED = "Too many failed login attempts"
HINT = "you do not have to wait: reset your password"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def log_in(client, email, password, address):
    return client.post(LOGIN, {"login": email, "password": password}, REMOTE_ADDR=address)


def signed_in_as(client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def test_wrong_passwords_from_one_address_do_not_lock_the_owner_out(client):
    user = UserFactory(email="doelwit@example.org")
    for _ in range(20):  # a minute's worth and more: the address is refused after 5
        log_in(client, user.email, "fout-wachtwoord", ATTACKER)
    assert LIMITED in log_in(client, user.email, "fout-wachtwoord", ATTACKER).content.decode()

    owner = Client()
    response = log_in(owner, user.email, PASSWORD, OWNER)

    assert response.status_code == 302
    assert signed_in_as(owner, user)


def test_the_log_in_page_says_how_to_get_in_when_the_limit_is_hit(client):
    user = UserFactory(email="doelwit@example.org")
    for _ in range(5):
        response = log_in(client, user.email, "fout-wachtwoord", ATTACKER)
        assert HINT not in response.content.decode()

    page = log_in(client, user.email, "fout-wachtwoord", ATTACKER).content.decode()

    assert LIMITED in page
    assert HINT in page
    assert f'<a href="{reverse("account_reset_password")}">Reset your password</a>' in page


def test_the_hint_is_translated(client):
    for _ in range(6):
        response = client.post(
            LOGIN,
            {"login": "doelwit@example.org", "password": "fout-wachtwoord"},
            headers={"accept-language": "nl"},
        )
    page = response.content.decode()
    assert "hoef je niet te wachten" in page
    assert "Stel je wachtwoord opnieuw in</a>" in page


def test_a_crowd_locks_the_account_and_the_reset_link_still_lets_the_owner_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    user = UserFactory(email="doelwit@example.org")
    # 7 addresses x 5 wrong passwords: past the limit per account (30 in 5 minutes).
    for n in range(7):
        for _ in range(5):
            log_in(client, user.email, "fout-wachtwoord", f"203.0.113.{n + 1}")
    owner = Client()
    response = log_in(owner, user.email, PASSWORD, OWNER)
    assert LIMITED in response.content.decode()
    assert HINT in response.content.decode()
    assert not signed_in_as(owner, user)

    with django_capture_on_commit_callbacks(execute=True):
        owner.post(reverse("account_reset_password"), {"email": user.email}, REMOTE_ADDR=OWNER)
    reset_url = re.search(r"https?://testserver(/\S+)", mailoutbox[-1].body).group(1)
    form_url = owner.get(reset_url, REMOTE_ADDR=OWNER)["Location"]
    new_password = "nieuw-buurtwachtwoord-42"
    response = owner.post(
        form_url, {"password1": new_password, "password2": new_password}, REMOTE_ADDR=OWNER
    )

    # The link signed the owner in, and the count of failed log-ins is cleared.
    assert response.status_code == 302
    assert signed_in_as(owner, user)
    owner.post(reverse("account_logout"), REMOTE_ADDR=OWNER)
    response = log_in(owner, user.email, new_password, OWNER)
    assert response.status_code == 302
    assert signed_in_as(owner, user)
