import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from buurt import services
from buurt.models import Language, NetworkModel, Organisation
from tests.factories import KORENMARKT, NeighbourhoodFactory, OrganisationFactory, box

pytestmark = pytest.mark.django_db


def test_organisation_save_derives_the_neighbourhood_from_the_point():
    centre = NeighbourhoodFactory(boundary=box(3.70, 51.045, 3.74, 51.065))
    organisation = Organisation(
        name="Buurttheater", slug="buurttheater", kind=Organisation.Kind.CULTURE, point=KORENMARKT
    )
    services.organisation_save(
        organisation=organisation,
        languages=Language.objects.filter(code__in=["nl", "ar"]),
        network_models=NetworkModel.objects.filter(code="community"),
    )
    organisation.refresh_from_db()
    assert organisation.neighbourhood == centre
    assert {lang.code for lang in organisation.languages.all()} == {"ar", "nl"}
    assert [m.code for m in organisation.network_models.all()] == ["community"]


def test_organisation_outside_every_neighbourhood_has_none():
    NeighbourhoodFactory(boundary=box(3.70, 51.045, 3.74, 51.065))
    antwerp = Organisation(name="A", slug="a", kind="sports", point=Point(4.40, 51.22, srid=4326))
    assert services.organisation_save(organisation=antwerp).neighbourhood is None


def test_organisation_save_validates_and_saves_nothing_on_bad_input():
    organisation = Organisation(name="", slug="bad slug!", kind="no-such-kind")
    with pytest.raises(ValidationError) as excinfo:
        services.organisation_save(organisation=organisation)
    assert {"name", "slug", "kind"} <= set(excinfo.value.message_dict)
    assert not Organisation.objects.exists()


def test_neighbourhood_upsert_is_idempotent_by_code():
    fields = {
        "name": "Centrum",
        "municipality_name": "Gent",
        "municipality_code": "44021",
        "boundary": box(3.70, 51.045, 3.74, 51.065),
    }
    first, created = services.neighbourhood_upsert(code="44021A00-", **fields)
    again, created_again = services.neighbourhood_upsert(
        code="44021A00-", **{**fields, "name": "Kuip"}
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert again.name == "Kuip"


def test_organisations_relocate_follows_new_boundaries():
    organisation = OrganisationFactory(point=KORENMARKT)
    assert organisation.neighbourhood is None
    centre = NeighbourhoodFactory(boundary=box(3.70, 51.045, 3.74, 51.065))
    assert services.organisations_relocate() == 1
    organisation.refresh_from_db()
    assert organisation.neighbourhood == centre
