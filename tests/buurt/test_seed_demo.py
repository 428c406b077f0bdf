"""`manage.py seed_demo`: Gent's demo neighbourhoods and organisations, and --scale."""

import io
from itertools import combinations

import pytest
from django.contrib.gis.geos import MultiPolygon
from django.core.management import CommandError, call_command

import spatial
from activities.models import Activity
from buurt import demo
from buurt.models import Neighbourhood, Organisation
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

GENT_POSTCODES = {"9000", "9030", "9031", "9032", "9040", "9041", "9042", "9050", "9051", "9052"}


def seed_demo(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_partitions_gent_into_one_neighbourhood_per_postcode():
    seed_demo()

    neighbourhoods = list(Neighbourhood.objects.all())
    assert {n.code for n in neighbourhoods} == {f"demo-{code}" for code in GENT_POSTCODES}
    for neighbourhood in neighbourhoods:
        assert neighbourhood.boundary.valid
        assert neighbourhood.is_approximate
        assert (neighbourhood.municipality_name, neighbourhood.municipality_code) == (
            "Gent",
            "44021",
        )
    # Areas in EPSG:3035 m². The cells share their edges: overlaps are floating-point noise.
    metric = {n.code: n.boundary.transform(spatial.LAEA_EUROPE, clone=True) for n in neighbourhoods}
    for a, b in combinations(metric.values(), 2):
        assert a.intersection(b).area < 1
    # Together they are the ~180 km² outline (the real municipality has ~156 km²).
    assert 150e6 < sum(cell.area for cell in metric.values()) < 200e6
    union = MultiPolygon([p for n in neighbourhoods for p in n.boundary], srid=4326).unary_union
    for postcode in demo.gent_postcodes():
        assert union.contains(postcode.centroid)
        # A Voronoi site always lies in its own cell.
        assert Neighbourhood.objects.containing(postcode.centroid).get().code == (
            f"demo-{postcode.code}"
        )


def test_seed_places_about_forty_published_demo_organisations_of_every_kind():
    seed_demo()

    organisations = list(Organisation.objects.select_related("neighbourhood"))
    assert 35 <= len(organisations) == len(demo.demo_organisation_specs()) <= 45
    for organisation in organisations:
        assert organisation.status == Organisation.Status.PUBLISHED
        assert organisation.is_demo
        assert "(demo)" in organisation.name or "(démo)" in organisation.name
        assert organisation.email.endswith("@example.org")
        assert organisation.phone.startswith("+44 20 7946 0")  # Ofcom's range for drama
        assert organisation.languages.exists()
        assert organisation.network_models.exists()
        # Placed by point-in-polygon, in the cell of its own postcode, and SQL agrees.
        assert organisation.neighbourhood.boundary.contains(organisation.point)
        assert organisation.neighbourhood.code == f"demo-{organisation.postcode}"
        assert Neighbourhood.objects.containing(organisation.point).get() == (
            organisation.neighbourhood
        )
    kinds = {organisation.kind for organisation in organisations}
    assert kinds == set(Organisation.Kind.values) - {Organisation.Kind.OTHER}
    assert {o.content_language for o in organisations} == {"nl", "fr", "en"}
    assert {o.postcode for o in organisations} == GENT_POSTCODES
    assert any(o.welcome_person and o.reduced_rate for o in organisations)
    assert all(o.assurer == "moderator" for o in organisations if o.is_verified)
    # A few were never confirmed after they were added, to show "possibly out of date".
    assert any(o.is_possibly_outdated for o in organisations)
    assert not all(o.is_possibly_outdated for o in organisations)


def test_seeding_again_updates_instead_of_duplicating():
    first_output = seed_demo()
    ids = dict(Organisation.objects.values_list("slug", "pk"))
    # The apps built on buurt join through buurt.demo.register_seeder: the agenda is filled.
    activities = set(Activity.objects.filter(is_demo=True).values_list("pk", flat=True))
    assert activities
    theatre = Organisation.objects.get(slug="buurttheater-de-koekoek-demo")
    theatre.description = "Changed by hand"
    theatre.save()

    output = seed_demo()

    assert "(10 new)" in first_output
    assert "(0 new)" in output
    assert Neighbourhood.objects.count() == 10
    assert dict(Organisation.objects.values_list("slug", "pk")) == ids
    assert set(Activity.objects.values_list("pk", flat=True)) == activities
    theatre.refresh_from_db()
    assert theatre.description.startswith("Fictieve toneelgroep voor de demo.")
    assert theatre.languages.count() == 3


def test_if_empty_seeds_an_empty_database_and_then_does_nothing():
    seed_demo("--if-empty")
    assert Organisation.objects.count() == len(demo.demo_organisation_specs())

    Organisation.objects.filter(slug="buurttheater-de-koekoek-demo").delete()
    output = seed_demo("--if-empty")

    assert "no demo data loaded" in output
    assert not Organisation.objects.filter(slug="buurttheater-de-koekoek-demo").exists()


def test_if_empty_leaves_a_database_with_real_organisations_alone():
    OrganisationFactory()
    seed_demo("--if-empty", "--scale", "10")
    assert Organisation.objects.count() == 1
    assert not Neighbourhood.objects.exists()


def test_scale_adds_published_demo_organisations_with_a_neighbourhood_each():
    seed_demo("--scale", "500")

    synthetic = Organisation.objects.filter(slug__startswith=demo.SCALE_SLUG_PREFIX)
    assert synthetic.count() == 500
    assert Organisation.objects.count() == 500 + len(demo.demo_organisation_specs())
    assert not synthetic.exclude(status=Organisation.Status.PUBLISHED, is_demo=True).exists()
    assert not synthetic.filter(neighbourhood__isnull=True).exists()
    assert synthetic.filter(languages__code="nl").count() == 500
    assert synthetic.filter(network_models__isnull=False).distinct().count() == 500
    located = list(synthetic.select_related("neighbourhood").order_by("slug"))
    for organisation in located:
        assert organisation.neighbourhood.boundary.contains(organisation.point)
    for organisation in located[::25]:
        assert Neighbourhood.objects.containing(organisation.point).get() == (
            organisation.neighbourhood
        )
    # Spread over the whole city, not piled up in one neighbourhood.
    assert len({o.neighbourhood_id for o in located}) == 10


def test_scale_can_run_again_and_adds_new_slugs():
    seed_demo("--scale", "30")
    seed_demo("--scale", "20")

    slugs = sorted(
        Organisation.objects.filter(slug__startswith=demo.SCALE_SLUG_PREFIX).values_list(
            "slug", flat=True
        )
    )
    assert slugs == [f"demo-scale-{n:08d}" for n in range(1, 51)]


def test_scale_is_deterministic():
    seed_demo()

    def scaled_points():
        demo.demo_scale(count=50)
        synthetic = Organisation.objects.filter(slug__startswith=demo.SCALE_SLUG_PREFIX)
        points = [(round(o.point.x, 9), round(o.point.y, 9), o.kind) for o in synthetic]
        synthetic.delete()
        return points

    assert scaled_points() == scaled_points()


def test_scale_does_not_query_per_row(django_assert_max_num_queries):
    seed_demo()
    # A query per row would make 400 or more; bulk inserts need a few per batch (SQLite
    # caps the parameters per statement, so it splits each batch into more INSERTs).
    with django_assert_max_num_queries(50):
        demo.demo_scale(count=400, batch_size=200)
    assert Organisation.objects.filter(neighbourhood__isnull=True).count() == 0


def test_a_negative_scale_is_refused():
    with pytest.raises(CommandError):
        seed_demo("--scale", "-5")
