"""A small town on real coordinates in Gent, shared by the regie tests; see test_snapshot.py
for how its distances are reckoned."""

import pytest
from django.contrib.gis.geos import Point

from buurt.models import NetworkModel, Organisation
from tests.factories import AddressFactory, NeighbourhoodFactory, OrganisationFactory, box

LAT = 51.046
PLACE = Point(3.738, LAT, srid=4326)  # the association; the neighbourhood runs to 3.70
M_PER_DEGREE_LON = 69_925


def west_of_place(meters):
    return Point(PLACE.x - meters / M_PER_DEGREE_LON, LAT, srid=4326)


@pytest.fixture
def town():
    """Neighbourhood A (3.70-3.74 x 51.045-51.065, with addresses) and B to its east
    (3.74-3.75 x 51.045-51.055, about 700 x 1,100 m, with none: measured on a grid)."""
    a = NeighbourhoodFactory(code="A", name="Binnenstad", population=2_000)
    b = NeighbourhoodFactory(
        code="B", name="Oost", population=700, boundary=box(3.74, 51.045, 3.75, 51.055)
    )
    # Addresses at 200, 600, 1,000 and 2,000 m west of the association.
    for meters in (200, 600, 1_000, 2_000):
        AddressFactory(point=west_of_place(meters))
    welcoming = OrganisationFactory(
        neighbourhood=a, point=PLACE, reduced_rate=True, welcome_person=True
    )
    welcoming.network_models.add(NetworkModel.objects.get(code=NetworkModel.Code.PEERS))
    # Paid, no welcome person, right next to the furthest address: reaches it for "any" only.
    OrganisationFactory(
        neighbourhood=a,
        point=west_of_place(2_050),
        cost=Organisation.Cost.PAID,
        kind=Organisation.Kind.SPORTS,
    )
    return a, b
