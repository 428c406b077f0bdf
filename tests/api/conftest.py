import pytest

from tests.factories import ActivityFactory, OrganisationFactory


@pytest.fixture
def same_numbers():
    """An organisation and its activity at the Korenmarkt with the same row number: ids
    repeat across kinds (organisation 3 and help offer 3 did)."""
    organisation = OrganisationFactory(pk=4242, name="Buurthuis Korenmarkt")
    ActivityFactory(pk=4242, organisation=organisation, title="Koffieklets")
    return 4242
