"""Only approved organisations are public: pending, hidden and rejected ones are nowhere."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from buurt import selectors
from buurt.models import Organisation
from core.moderation import ModerationState
from tests.factories import NeighbourhoodFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

NOT_PUBLIC = [ModerationState.PENDING, ModerationState.HIDDEN, ModerationState.REJECTED]


@pytest.fixture
def neighbourhood():
    return NeighbourhoodFactory()


@pytest.fixture
def approved(neighbourhood):
    return OrganisationFactory(name="Goedgekeurd", neighbourhood=neighbourhood)


@pytest.fixture
def withheld(neighbourhood):
    return [
        OrganisationFactory(name=f"Niet publiek {state}", moderation_state=state,
                            neighbourhood=neighbourhood)
        for state in NOT_PUBLIC
    ]  # fmt: skip


def test_published_and_on_map_show_only_approved_organisations(approved, withheld):
    assert list(Organisation.objects.public()) == [approved]
    assert list(Organisation.objects.on_map()) == [approved]
    assert list(selectors.organisations_on_map()) == [approved]


def test_neighbourhoods_count_only_approved_organisations(neighbourhood, approved, withheld):
    counted = selectors.neighbourhoods_with_counts().get(pk=neighbourhood.pk)
    assert counted.organisation_count == 1
    assert list(selectors.neighbourhood_organisations(neighbourhood=neighbourhood)) == [approved]


def test_withheld_organisations_have_no_page(client, approved, withheld):
    assert client.get(approved.get_absolute_url()).status_code == 200
    for organisation in withheld:
        assert client.get(organisation.get_absolute_url()).status_code == 404


def test_the_city_map_and_neighbourhood_page_leave_them_out(client, neighbourhood, withheld):
    pages = [client.get(reverse("maps:city")), client.get(neighbourhood.get_absolute_url())]
    for page in pages:
        assert page.status_code == 200
        for organisation in withheld:
            assert organisation.name not in page.content.decode()


def test_a_draft_stays_unpublished_even_when_approved():
    OrganisationFactory(status=Organisation.Status.DRAFT)
    assert not Organisation.objects.public().exists()


def test_organisations_from_the_admin_and_the_seed_are_approved():
    assert Organisation().moderation_state == ModerationState.APPROVED
    call_command("seed_demo", stdout=io.StringIO())
    assert Organisation.objects.exists()
    assert not Organisation.objects.exclude(moderation_state=ModerationState.APPROVED).exists()
