"""factory_boy factories with real places in Gent (EPSG:4326, x=lon, y=lat)."""

import factory
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from buurt.models import Neighbourhood, Organisation

# Korenmarkt, in the historic centre of Gent.
KORENMARKT = Point(3.7196, 51.0543, srid=4326)


def box(west, south, east, north) -> MultiPolygon:
    return MultiPolygon(Polygon.from_bbox((west, south, east, north)), srid=4326)


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    name = factory.Sequence(lambda n: f"Buurt {n}")
    code = factory.Sequence(lambda n: f"44021A{n:03d}")
    municipality_name = "Gent"
    municipality_code = "44021"
    # Roughly the old town of Gent around the Korenmarkt.
    boundary = factory.LazyFunction(lambda: box(3.70, 51.045, 3.74, 51.065))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Vereniging {n}")
    slug = factory.Sequence(lambda n: f"vereniging-{n}")
    kind = Organisation.Kind.CULTURE
    street_address = "Korenmarkt 1"
    postcode = "9000"
    city = "Gent"
    point = factory.LazyFunction(lambda: KORENMARKT.clone())
    status = Organisation.Status.PUBLISHED
