"""seed_demo fills the neighbour-help board too, so a newcomer's first run is not empty."""

import pytest
from django.core.management import call_command

import spatial
from neighbourhelp.models import HelpOffer, HelpRequest

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_helpers_offers_and_open_requests_once():
    call_command("seed_demo", verbosity=0)
    assert HelpOffer.objects.public().count() == 6
    assert HelpRequest.objects.public().count() == 2
    for offer in HelpOffer.objects.all():
        assert offer.neighbourhood is not None
        assert offer.public_point != offer.private_point
        assert spatial.great_circle_m(offer.public_point, offer.private_point) < 5_000
    call_command("seed_demo", verbosity=0)
    assert HelpOffer.objects.count() == 6
    assert HelpRequest.objects.count() == 2
