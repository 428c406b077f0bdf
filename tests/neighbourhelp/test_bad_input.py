"""Bad input to neighbour help (issue 14, section 4): "on behalf of" is a first name or
pseudonym as a referral's is, and a message that is not sent says why and keeps its text."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from neighbourhelp import services
from neighbourhelp.models import HelpMessage, HelpRequest
from tests import factories

from .helpers import covered_area, help_request, offer

pytestmark = pytest.mark.django_db

REQUEST_FORM = {
    "address": "Veldstraat 33, 9000 Gent",
    "category": "paperwork",
    "times": ["weekend"],
    "languages": ["nl"],
    "description": "Zoekt hulp met een formulier van het OCMW.",
    "give_back": "Kookt graag.",
}
REFUSED = [
    "Jan<svg onload=alert(1)>",
    "Jan Peeters",  # a surname
    "85.07.30-033.28",  # a national number
    "<b>Mo</b>",
    "Mo & co",
]


@pytest.fixture(autouse=True)
def area(tmp_path):
    return covered_area(tmp_path)


@pytest.fixture
def worker():
    return factories.WorkerProfileFactory(verified_at=timezone.now()).user


@pytest.mark.parametrize("name", REFUSED)
def test_on_behalf_of_refuses_what_a_referral_refuses_on_the_form(client, worker, name):
    client.force_login(worker)
    data = {**REQUEST_FORM, "on_behalf_of": name}
    response = client.post(reverse("neighbourhelp:request-create"), data)

    assert response.status_code == 200
    assert "Only a first name or a pseudonym" in response.content.decode()
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize("name", REFUSED)
def test_on_behalf_of_is_checked_by_the_model_whatever_the_way_in(worker, name):
    with pytest.raises(ValidationError) as refused:
        help_request(requester=worker, on_behalf_of=name)

    assert refused.value.message_dict["on_behalf_of"] == [
        "Only a first name or a pseudonym (with an initial at most), no surname, numbers or signs."
    ]
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    ("typed", "saved"),
    [("Mo", "Mo"), ("Marie-Claire", "Marie-Claire"), (" Jan   D. ", "Jan D."), ("Zoë", "Zoë")],
)
def test_on_behalf_of_takes_first_names(client, worker, typed, saved):
    client.force_login(worker)
    data = {**REQUEST_FORM, "on_behalf_of": typed}
    response = client.post(reverse("neighbourhelp:request-create"), data)

    assert response.status_code == 302
    assert HelpRequest.objects.get().on_behalf_of == saved


@pytest.fixture
def conversation(client):
    given = offer("Korenmarkt 1")
    item = help_request()
    match = services.help_match_create(request=item, offer=given, actor=item.requester)
    client.force_login(item.requester)
    return match


def message_url(match):
    return reverse("neighbourhelp:match-message", args=[match.pk])


def test_a_message_over_the_limit_shows_the_error_and_keeps_the_text(client, conversation):
    text = "Dag buur," + " ik kan dinsdag." * 80  # 1,289 characters, the limit is 1,000
    response = client.post(message_url(conversation), {"body": text})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Ensure this value has at most 1000 characters (it has 1289)." in page
    assert f"{text}</textarea>" in page  # to shorten and send again
    assert not HelpMessage.objects.exists()


def test_a_message_without_words_shows_the_error_and_keeps_the_text(client, conversation):
    response = client.post(message_url(conversation), {"body": "?!?!"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "Write a message with words in it." in page
    assert "?!?!</textarea>" in page


def test_a_message_over_the_rate_limit_is_a_429_with_retry_after(client, conversation):
    for n in range(services.MESSAGE_RATE_LIMIT):
        assert client.post(message_url(conversation), {"body": f"Hallo {n}"}).status_code == 302

    response = client.post(message_url(conversation), {"body": "Nog eentje"})

    assert response.status_code == 429
    # The next window of the hour-long limit: at least a second, at most an hour away.
    assert 1 <= int(response["Retry-After"]) <= services.MESSAGE_RATE_PERIOD_SECONDS
    page = response.content.decode()
    assert "too often" in page
    assert "Nog eentje</textarea>" in page
    assert HelpMessage.objects.count() == services.MESSAGE_RATE_LIMIT
