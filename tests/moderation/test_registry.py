"""The registry through which content types join moderation."""

import pytest
from django.core.exceptions import FieldDoesNotExist

from accounts.models import Membership
from buurt.models import Neighbourhood, Organisation
from core import moderation
from tests.factories import MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_organisations_are_registered_under_a_stable_key():
    moderated = moderation.get(Organisation)
    assert moderated.key == "buurt.organisation"
    assert moderation.by_key("buurt.organisation") is moderated
    assert moderation.by_key("buurt.neighbourhood") is None
    assert moderated in moderation.registered()


def test_a_model_without_a_moderation_state_cannot_register():
    with pytest.raises(FieldDoesNotExist):
        moderation.register(Neighbourhood, authors=list, public_queryset=Neighbourhood.objects.all)
    assert not moderation.is_registered(Neighbourhood)
    with pytest.raises(moderation.NotRegistered):
        moderation.get(Neighbourhood)


def test_the_texts_a_moderator_reads_are_the_filled_in_free_text_fields():
    organisation = OrganisationFactory(name="Soepbar", description="Elke vrijdag.")
    assert moderation.get(organisation).texts(organisation) == {
        "name": "Soepbar",
        "description": "Elke vrijdag.",
    }


def test_an_organisations_authors_are_its_active_admins():
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    MembershipFactory(organisation=organisation, role=Membership.Role.EDITOR)
    assert moderation.get(organisation).authors(organisation) == [admin]
