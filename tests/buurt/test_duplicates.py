"""The duplicate finder (buurt.selectors.organisation_duplicates) and the enterprise number, on
the database of the run (PostGIS or SpatiaLite: `make test` runs this file on both)."""

import pytest
from django import forms
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from buurt.duplicates import name_words, names_similar, website_key
from buurt.models import Organisation
from buurt.selectors import organisation_duplicates
from core.moderation import ModerationState
from core.validators import enterprise_number_normalise
from tests.factories import KORENMARKT, VELDSTRAAT, OrganisationFactory

# --- Enterprise numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "0123.456.749",
        "0123456749",
        "BE0123456749",
        "be 0123 456 749",
        "123.456.749",
        "BE0123-456-749",
    ],
)
def test_enterprise_number_forms_are_normalised(typed):
    # 01234567 mod 97 = 48, and 97 - 48 = 49: the last two digits.
    assert enterprise_number_normalise(typed) == "0123456749"


def test_enterprise_number_check_digits_below_ten():
    # 08765432 mod 97 = 27 and 97 - 27 = 70; 04072134 mod 97 = 74, 97 - 74 = 23.
    assert enterprise_number_normalise("0876.543.270") == "0876543270"
    assert enterprise_number_normalise("0407.213.423") == "0407213423"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("0123.456.748", "enterprise_number_check"),  # one digit off
        ("2123.456.7xx", "enterprise_number_format"),
        ("2123456791", "enterprise_number_check"),  # check digits right, but starts with 2
        ("0123.456", "enterprise_number_format"),
        ("NL0123456749", "enterprise_number_format"),
        ("٠١٢٣٤٥٦٧٤٩", "enterprise_number_format"),  # Arabic-Indic digits are not ASCII
    ],
)
def test_wrong_enterprise_numbers_are_refused(typed, code):
    with pytest.raises(ValidationError) as refused:
        enterprise_number_normalise(typed)
    assert refused.value.code == code


def test_empty_enterprise_number_is_allowed():
    assert enterprise_number_normalise("  ") == ""


class _NumberForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["enterprise_number"]


@pytest.mark.django_db
def test_form_stores_the_ten_digits_and_says_what_is_wrong():
    organisation = OrganisationFactory()
    form = _NumberForm({"enterprise_number": "BE 0123.456.749"}, instance=organisation)
    assert form.is_valid(), form.errors
    form.save()
    organisation.refresh_from_db()
    assert organisation.enterprise_number == "0123456749"

    form = _NumberForm({"enterprise_number": "0123.456.748"}, instance=organisation)
    assert not form.is_valid()
    assert "does not exist: check the digits" in form.errors["enterprise_number"][0]
    organisation.refresh_from_db()
    assert organisation.enterprise_number == "0123456749"


@pytest.mark.django_db
def test_full_clean_normalises_and_refuses():
    organisation = OrganisationFactory.build(enterprise_number="be0123.456.749")
    organisation.full_clean(exclude=["slug"])
    assert organisation.enterprise_number == "0123456749"
    organisation.enterprise_number = "0123456748"
    with pytest.raises(ValidationError) as refused:
        organisation.full_clean(exclude=["slug"])
    assert "enterprise_number" in refused.value.message_dict


# --- Names and websites -----------------------------------------------------------------------


def test_name_words_ignore_accents_legal_form_demo_case_punctuation_and_order():
    expected = name_words("De Sleep")
    for variant in (
        "de sleep vzw",
        "SLEEP, DE",
        "De Sleep v.z.w.",
        "De Sleep (demo)",
        "Dé Sléep asbl",
    ):
        assert name_words(variant) == expected, variant


@pytest.mark.parametrize(
    ("a", "b", "similar"),
    [
        ("Buurthuis De Sleep", "De Sleep", True),  # one name holds the other
        ("Toneelgroep Rataplan", "Toneelgroep Rattaplan", True),  # a typo
        ("Café Zorgeloos vzw", "Cafe zorgeloos", True),
        ("Ligue des familles asbl", "La Ligue des Familles", True),
        ("Schaakclub Gent", "Voetbalclub Gent", False),
        ("Club", "Schaakclub", False),
        ("Buurthuis De Sleep", "Buurthuis Nieuw Gent", False),
        ("vzw", "vzw", False),  # nothing left to compare
    ],
)
def test_names_similar(a, b, similar):
    assert names_similar(a, b) is similar
    assert names_similar(b, a) is similar


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.desleep.be/contact", "desleep.be"),
        ("http://desleep.be", "desleep.be"),
        ("desleep.be", "desleep.be"),
        ("https://WWW.DeSleep.BE.", "desleep.be"),
        ("https://www.facebook.com/desleep/about", "facebook.com/desleep"),
        ("https://facebook.com", ""),
        ("", ""),
        ("not a website", ""),
    ],
)
def test_website_key(url, key):
    assert website_key(url) == key


# --- The finder on the database ---------------------------------------------------------------


def _names(matches):
    return {match.organisation.name: match.reasons for match in matches}


@pytest.mark.django_db
def test_similar_name_in_the_same_postcode_is_found_whatever_its_state():
    OrganisationFactory(name="Buurthuis De Sleep vzw", postcode="9000", point=None)
    OrganisationFactory(
        name="De Sleep (demo)",
        postcode="9000",
        point=None,
        status=Organisation.Status.DRAFT,
        moderation_state=ModerationState.PENDING,
    )
    OrganisationFactory(name="De Sleep", postcode="9050", point=None)  # other postcode, far
    OrganisationFactory(name="Rataplan", postcode="9000", point=None)

    found = _names(organisation_duplicates(name="sleep, de", postcode=" 9000 "))

    assert found == {
        "Buurthuis De Sleep vzw": ("name_postcode",),
        "De Sleep (demo)": ("name_postcode",),
    }


@pytest.mark.django_db
def test_similar_name_within_a_few_hundred_metres_in_another_postcode():
    # Veldstraat is about 290 m from the Korenmarkt (tests/factories.py): within the 300 m.
    OrganisationFactory(name="Toneelgroep Rataplan", postcode="9000", point=KORENMARKT.clone())
    # About 1.1 km south of the Korenmarkt: too far for a different postcode.
    OrganisationFactory(
        name="Toneelgroep Rattaplan", postcode="9050", point=Point(3.7196, 51.0443, srid=4326)
    )

    found = _names(
        organisation_duplicates(name="Rataplan toneelgroep", postcode="9051", point=VELDSTRAAT)
    )

    assert found == {"Toneelgroep Rataplan": ("name_nearby",)}
    assert (
        organisation_duplicates(name="Rataplan", postcode="9051", point=VELDSTRAAT, meters=200)
        == []
    )


@pytest.mark.django_db
def test_same_enterprise_number_or_website_whatever_the_name_and_place():
    OrganisationFactory(name="Vzw Wijkwerking", enterprise_number="0123456749", postcode="2000")
    OrganisationFactory(
        name="Buurtwerk Noord", website="https://buurtwerknoord.be/", postcode="1000"
    )
    OrganisationFactory(name="Op Facebook", website="https://www.facebook.com/anderegroep")

    found = organisation_duplicates(
        name="Iets heel anders",
        postcode="9000",
        enterprise_number="0123456749",
        website="http://www.BuurtwerkNoord.be/agenda",
    )

    assert [(m.organisation.name, m.reasons) for m in found] == [
        ("Vzw Wijkwerking", ("enterprise_number",)),
        ("Buurtwerk Noord", ("website",)),
    ]
    assert found[0].reason_labels == ["the same enterprise number"]
    assert organisation_duplicates(name="X", website="https://facebook.com/mijngroep") == []


@pytest.mark.django_db
def test_several_reasons_strongest_first_and_the_listing_itself_excluded():
    existing = OrganisationFactory(
        name="De Sleep",
        postcode="9000",
        website="https://desleep.be",
        enterprise_number="0407213423",
    )
    found = organisation_duplicates(
        name="De Sleep vzw", postcode="9000", website="desleep.be", enterprise_number="0407213423"
    )
    assert [(m.organisation, m.reasons) for m in found] == [
        (existing, ("enterprise_number", "website", "name_postcode"))
    ]
    assert (
        organisation_duplicates(
            name="De Sleep", postcode="9000", website="desleep.be", exclude_pk=existing.pk
        )
        == []
    )


@pytest.mark.django_db
def test_dutch_postcode_with_or_without_its_space():
    OrganisationFactory(name="Buurthuis Oost", postcode="1011 AB", city="Amsterdam", point=None)
    found = _names(organisation_duplicates(name="buurthuis oost", postcode="1011ab"))
    assert found == {"Buurthuis Oost": ("name_postcode",)}


@pytest.mark.django_db
def test_queryset_limits_what_is_offered(django_assert_max_num_queries):
    OrganisationFactory(name="De Sleep", postcode="9000", moderation_state=ModerationState.PENDING)
    with django_assert_max_num_queries(3):
        found = organisation_duplicates(
            name="De Sleep",
            postcode="9000",
            enterprise_number="0123456749",
            website="desleep.be",
            queryset=Organisation.objects.public(),
        )
    assert found == []


@pytest.mark.parametrize(
    ("a", "b"),
    [("Scouts 12e Gent", "Scouts 13e Gent"), ("Vereniging 4711", "Vereniging 4710")],
)
def test_names_with_other_numbers_are_other_associations(a, b):
    assert not names_similar(a, b)
