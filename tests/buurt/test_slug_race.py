"""Two writers naming a new listing alike at the same moment (an import and a registration,
or two registrations) both find the same slug free; the later one takes the next number
instead of failing on the unique slug (buurt.services.organisation_insert)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from accounts import joining
from buurt import services
from buurt.models import Organisation
from tests.factories import OrganisationFactory, UserFactory


def new_listing(name="Toneelgroep De Sleep") -> Organisation:
    return Organisation(
        name=name,
        kind=Organisation.Kind.CULTURE,
        description="We spelen toneel voor en met de buurt.",
        street_address="Sint-Pietersnieuwstraat 33",
        postcode="9000",
        city="Gent",
    )


@pytest.fixture
def stale_slug_once(monkeypatch):
    """The race made certain: the first slug is the one looked up before the other writer
    saved its listing, so it is taken by the time this one is inserted."""
    real = services.organisation_unique_slug
    answers = iter(["toneelgroep-de-sleep"])
    monkeypatch.setattr(
        services, "organisation_unique_slug", lambda name: next(answers, None) or real(name)
    )


@pytest.mark.django_db
def test_a_registration_that_lost_the_race_takes_the_next_slug(stale_slug_once):
    OrganisationFactory(name="Toneelgroep De Sleep", slug="toneelgroep-de-sleep")
    organisation = joining.organisation_register(
        organisation=new_listing(), author=UserFactory()
    )  # full_clean() sees the other row: a ValidationError on the slug, then a retry
    assert organisation.slug == "toneelgroep-de-sleep-2"
    assert organisation.memberships.count() == 1


@pytest.mark.django_db
def test_an_insert_that_fails_on_the_unique_slug_is_tried_again(stale_slug_once):
    OrganisationFactory(name="Toneelgroep De Sleep", slug="toneelgroep-de-sleep")
    organisation = new_listing()
    tries = []

    def insert():  # no full_clean(): the database refuses it (IntegrityError)
        tries.append(organisation.slug)
        organisation.save()
        return organisation

    assert services.organisation_insert(organisation=organisation, name="De Sleep", insert=insert)
    assert tries == ["toneelgroep-de-sleep", "de-sleep"]
    assert sorted(Organisation.objects.values_list("slug", flat=True)) == [
        "de-sleep",
        "toneelgroep-de-sleep",
    ]


@pytest.mark.django_db
def test_other_errors_are_not_retried():
    organisation = new_listing(name="")
    tries = []

    def insert():
        tries.append(organisation.slug)
        organisation.full_clean()

    with pytest.raises(ValidationError) as error:
        services.organisation_insert(organisation=organisation, name="", insert=insert)
    assert "name" in error.value.message_dict
    assert tries == ["vereniging"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_naming_alike_at_once(postgis_only):
    """Real concurrency on PostgreSQL: A inserts and waits, uncommitted, until B has looked up
    the same free slug and is inserting; B's insert then fails on the unique slug (it waits
    for A's commit, or full_clean() already sees A's row) and B takes the next number."""
    a_inserted, b_inserting = threading.Event(), threading.Event()
    slugs, errors = {}, []

    def write(who, before, after):
        organisation = new_listing()

        def insert():
            before()
            organisation.full_clean()
            organisation.save()
            after()

        try:
            with transaction.atomic():
                services.organisation_insert(
                    organisation=organisation, name=organisation.name, insert=insert
                )
            slugs[who] = organisation.slug
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    a = threading.Thread(
        target=write, args=("a", lambda: None, lambda: a_inserted.set() or b_inserting.wait(10))
    )
    b = threading.Thread(
        target=write, args=("b", lambda: a_inserted.wait(10) and b_inserting.set(), lambda: None)
    )
    a.start()
    b.start()
    a.join()
    b.join()

    assert errors == []
    assert slugs == {"a": "toneelgroep-de-sleep", "b": "toneelgroep-de-sleep-2"}
