"""Places for the search tests: organisations at known distances from a real Gent address.

The searched address is Sint-Pietersnieuwstraat 33, 9000 Gent, as the hand-made gazetteer of
tests/buurt/gazetteer_data.py places it. Organisations are put at a given number of metres
north or east of it in EPSG:3035 (metres; its scale error in Belgium is far below the 1%
tolerance the tests allow on distances measured by the database).
"""

import math

from django.contrib.gis.geos import MultiPoint, Point

from buurt.models import Language, NetworkModel, Organisation
from tests.factories import OrganisationFactory

# Sint-Pietersnieuwstraat 33 in tests/buurt/gazetteer_data.py (lat 51.04480, lon 3.72530).
HOME = Point(3.72530, 51.04480, srid=4326)
HOME_ADDRESS = "Sint-Pietersnieuwstraat 33, 9000 Gent"


def offset(point: Point, *, north_m: float = 0, east_m: float = 0) -> Point:
    """The EPSG:4326 point `north_m` metres north and `east_m` metres east of `point`."""
    metric = point.transform(3035, clone=True)
    moved = Point(metric.x + east_m, metric.y + north_m, srid=3035)
    moved.transform(4326)
    return Point(round(moved.x, 7), round(moved.y, 7), srid=4326)


def organisation_at(north_m: float = 0, east_m: float = 0, *, languages=(), models=(), **fields):
    """A published organisation that far from HOME, with its languages and models."""
    organisation = OrganisationFactory(point=offset(HOME, north_m=north_m, east_m=east_m), **fields)
    if languages:
        organisation.languages.set(Language.objects.filter(code__in=languages))
    if models:
        organisation.network_models.set(NetworkModel.objects.filter(code__in=models))
    return organisation


def neighbourhood_of_places():
    """Seven organisations around HOME, each with something to filter on. Distances (metres):
    theatre 150 N, sports 300 E, buurthuis 650 N (9 min), taalcafé 1,000 E, seniors 1,500 N,
    a draft 100 E and a hidden one 120 N (never found)."""
    Kind = Organisation.Kind
    return {
        "theatre": organisation_at(
            150,
            name="Toneelgroep Tinnen Pot",
            kind=Kind.CULTURE,
            cost="paid",
            wheelchair_accessible=True,
            welcome_person=True,
            languages=["nl"],
            models=["community"],
        ),
        "sports": organisation_at(
            east_m=300,
            name="Wandelclub Mannen op Stap",
            kind=Kind.SPORTS,
            cost="free",
            languages=["nl", "ar"],
            models=["peers"],
        ),
        "buurthuis": organisation_at(
            650,
            name="Buurthuis De Brug",
            kind=Kind.COMMUNITY_CENTRE,
            cost="paid",
            reduced_rate=True,
            hearing_loop=True,
            wheelchair_accessible=True,
            languages=["nl", "tr", "ar"],
            models=["community", "volunteering"],
        ),
        "taalcafe": organisation_at(
            east_m=1000,
            name="Taalcafé Babbel",
            kind=Kind.LANGUAGE_CAFE,
            cost="free",
            quiet_space=True,
            languages=["fr", "en"],
            child_friendly=True,
        ),
        "seniors": organisation_at(
            1500,
            name="LDC De Vlier",
            kind=Kind.SERVICE_CENTRE,
            cost="pay_what_you_can",
            welcome_person=True,
            languages=["nl"],
        ),
        "draft": organisation_at(east_m=100, name="Concept", status=Organisation.Status.DRAFT),
        "hidden": organisation_at(120, name="Verborgen", moderation_state="hidden"),
    }


def offsets(point: Point, moves: list[tuple[float, float]]) -> list[Point]:
    """offset() for many (north_m, east_m) moves at once: one reprojection for all of them
    (building a PROJ transformation per point costs tens of milliseconds)."""
    metric = point.transform(3035, clone=True)
    moved = MultiPoint(
        [Point(metric.x + east, metric.y + north) for north, east in moves], srid=3035
    )
    moved.transform(4326)
    return [Point(round(x, 7), round(y, 7), srid=4326) for x, y in moved.coords]


def crowd(count: int, *, spacing_m: float = 0.25, **fields) -> list[Organisation]:
    """`count` published organisations on a spiral around HOME, inserted in one bulk_create:
    the i-th about 5 + i * `spacing_m` metres away, in a direction turning by the golden
    angle (1,005 of them fit within 260 m), with the given field values."""
    moves = [
        (
            (5 + i * spacing_m) * math.cos(math.radians(i * 137.5)),
            (5 + i * spacing_m) * math.sin(math.radians(i * 137.5)),
        )
        for i in range(count)
    ]
    return Organisation.objects.bulk_create(
        OrganisationFactory.build(point=point, **fields) for point in offsets(HOME, moves)
    )


def grid(side: int, *, spacing_m: float, **fields) -> list[Organisation]:
    """side × side published organisations on a square grid centred on HOME, `spacing_m`
    apart, in one bulk_create: an even density, as a city's listings are over a few hundred
    metres (a search's estimated count then comes within a few percent)."""
    half = (side - 1) * spacing_m / 2
    moves = [(i * spacing_m - half, j * spacing_m - half) for i in range(side) for j in range(side)]
    return Organisation.objects.bulk_create(
        OrganisationFactory.build(point=point, **fields) for point in offsets(HOME, moves)
    )
