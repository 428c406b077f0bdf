"""Bad input to neighbour help (issue 14, section 4): "on behalf of" is a first name or
pseudonym as a referral's is, and a message that is not sent says why and keeps its text."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from neighbourhelp.models import HelpRequest
from tests import factories

from .helpers import covered_area, help_request

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
