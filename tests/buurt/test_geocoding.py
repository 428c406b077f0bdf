"""The geocoding service on the local gazetteer, on both backends (no network)."""

import json
from io import StringIO

import pytest
import responses
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command

from buurt.geocoding import GeocodeInputError, autocomplete, geocode, suggestions
from buurt.geocoding.chain import reverse_geocode
from spatial import great_circle_m
from tests.factories import NeighbourhoodFactory

from .gazetteer_data import ADDRESSES, KORENMARKT_1, WETSTRAAT_16, load_gazetteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def gazetteer(tmp_path):
    return load_gazetteer(tmp_path)


@pytest.fixture(autouse=True)
def no_network():
    # Any HTTP request through requests (and geopy) fails the test: nothing may leave.
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock
    assert len(mock.calls) == 0


def point_of(address_id):
    row = next(a for a in ADDRESSES if a[0] == address_id)
    return Point(row[-1], row[-2], srid=4326)


def metres(candidate, point) -> float:
    return great_circle_m(candidate.point, point)


def best(text, **kwargs):
    found = geocode(text, **kwargs)
    assert found, f"nothing found for {text!r}"
    return found[0]


@pytest.mark.parametrize(
    ("text", "address_id"),
    [
        ("St-Pietersnieuwstr. 33 bus 2, 9000 Gent", 2),
        ("Sint-Pietersnieuwstraat 33 b2 Gent", 2),
        ("Sint-Pietersnieuwstraat 33/2", 2),
        ("Sint-Pietersnieuwstraat 33", 1),
        ("sint pietersnieuwstraat 33 9000", 1),
        ("SINT-PIETERSNIEUWSTRAAT 41, GENT", 3),
        ("9000 Gent, Korenmarkt 1", 6),
        ("9000 Gent Korenmarkt 5", 7),
        ("Korenmarkt 1 Gent 9000", 6),
        ("Veldstraat 33-35", 8),
        ("Sint-Pietersnieuwstraat 12A", 4),
        ("Sint-Pietersnieuwstraat 12 a", 4),
        ("Sint-Pietersnieuwstraat 12", 5),
        ("Frere-Orbanln 10 Gent", 12),
        ("Brusselsestwg 100 Gentbrugge", 13),
        ("Kortrijksestwg. 100, 9000 Gent", 10),
        ("O.L.V.-straat 1 Mechelen", 17),
        ("Kerkstraat 5, 9030 Mariakerke", 14),
        ("Kerkstraat 5, 9050 Gent", 15),
        ("Kerkstraat 5 Gentbrugge", 15),
    ],
)
def test_finds_the_address(gazetteer, text, address_id):
    found = best(text)
    assert found.precision == "address"
    assert found.source == "gazetteer"
    assert metres(found, point_of(address_id)) < 1


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Rue de la Loi 16 1000 Bruxelles", "Rue de la Loi 16, 1000 Bruxelles"),
        ("rue de la loi 16", "Rue de la Loi 16, 1000 Bruxelles"),
        ("Wetstraat 16, 1000 Brussel", "Wetstraat 16, 1000 Brussel"),
        ("Wetstraat 16 Bruxelles", "Wetstraat 16, 1000 Brussel"),
    ],
)
def test_dutch_and_french_names_of_one_brussels_street(gazetteer, text, label):
    found = best(text)
    assert found.label == label
    assert found.precision == "address"
    assert metres(found, Point(WETSTRAAT_16[1], WETSTRAAT_16[0], srid=4326)) < 1


@pytest.mark.parametrize(
    ("text", "address_id"),
    [
        ("Sint-Pietersnieuwstrat 41", 3),  # one letter missing
        ("Sint-Peitersnieuwstraat 41", 3),  # two letters swapped: two edits
        ("Kortrijksestenweg 100 Gent", 10),
        ("Kortrijkssteenwg 100", 10),  # two letters missing
        ("Rue de la Lio 16 Bruxelles", 16),
    ],
)
def test_typos_of_one_or_two_letters_in_the_street(gazetteer, text, address_id):
    found = best(text)
    assert found.precision == "address"
    assert metres(found, point_of(address_id)) < 1
    assert found.score < 1


def test_three_typos_are_too_many(gazetteer):
    assert geocode("Kortrjkseestnweg 100") == []


def test_street_only(gazetteer):
    found = best("Kortrijksesteenweg Gent")
    assert found.precision == "street"
    assert found.label == "Kortrijksesteenweg, 9000 Gent"
    # The street's point is the mean of its two addresses (13 m apart).
    a, b = point_of(10), point_of(11)
    assert metres(found, Point((a.x + b.x) / 2, (a.y + b.y) / 2, srid=4326)) < 0.5


def test_an_unknown_house_number_is_placed_at_the_street_and_says_so(gazetteer):
    found = best("Korenmarkt 999, 9000 Gent")
    assert found.precision == "street"
    assert found.label == "Korenmarkt, 9000 Gent"
    # at the nearest known number, Korenmarkt 5
    assert metres(found, point_of(7)) < 1


def test_an_unknown_letter_falls_back_to_the_number(gazetteer):
    found = best("Korenmarkt 1B")
    assert found.precision == "address"
    assert metres(found, point_of(6)) < 1
    assert found.score < best("Korenmarkt 1").score


def test_postcode_only_gives_the_postcode_centre(gazetteer):
    found = best("9000")
    assert found.precision == "postcode"
    assert found.source == "postcode"
    assert found.label == "9000 Gent"
    assert great_circle_m(found.point, Point(3.7196, 51.0543, srid=4326)) < 2000


def test_municipality_only(gazetteer):
    found = best("Gent")
    assert found.precision == "municipality"
    assert found.label == "Gent"


def test_postal_name_gives_its_postcode(gazetteer):
    assert best("Mariakerke").label == "9030 Mariakerke"


def test_unknown_street_with_a_postcode_falls_back_to_the_postcode(gazetteer):
    found = best("Onbestaandestraat 3, 9050 Gentbrugge")
    assert (found.precision, found.label) == ("postcode", "9050 Gentbrugge")


def test_same_street_name_in_two_postcodes_gives_both_without_a_place(gazetteer):
    found = geocode("Kerkstraat 5")
    assert {c.label for c in found} == {
        "Kerkstraat 5, 9030 Gent",
        "Kerkstraat 5, 9050 Gent",
    }


@pytest.mark.parametrize("text", ["", "   ", "33", "12A", "x" * 201, "🏠 Korenmarkt 1", "<b>"])
def test_bad_input_raises_a_clear_error(text):
    with pytest.raises(GeocodeInputError) as error:
        geocode(text)
    assert str(error.value)


def test_autocomplete_streets_by_prefix(gazetteer):
    labels = [c.label for c in autocomplete("sint piet")]
    assert labels[0] == "Sint-Pietersnieuwstraat, 9000 Gent"


def test_autocomplete_house_numbers_of_the_street(gazetteer):
    labels = [c.label for c in autocomplete("Sint-Pietersnieuwstraat 3")]
    assert labels[:2] == [
        "Sint-Pietersnieuwstraat 33, 9000 Gent",
        "Sint-Pietersnieuwstraat 33 bus 2, 9000 Gent",
    ]


def test_autocomplete_in_french(gazetteer):
    assert autocomplete("rue de la l")[0].label == "Rue de la Loi, 1000 Bruxelles"


def test_autocomplete_postcodes(gazetteer):
    labels = [c.label for c in autocomplete("905")]
    assert "9050 Gentbrugge" in labels
    assert "9000 Gent" not in labels


def test_suggestions_for_what_was_not_found(gazetteer):
    assert geocode("Sint-Pitrsnuwstrat 33") == []
    assert suggestions("Sint-Pitrsnuwstrat 33") == ["Sint-Pietersnieuwstraat, 9000 Gent"]


def test_reverse_gives_the_neighbourhood_and_the_nearest_address(gazetteer):
    neighbourhood = NeighbourhoodFactory()  # the old town around the Korenmarkt
    # 10 m north of Korenmarkt 1 (0.00009 degrees of latitude is 10.0 m).
    point = Point(KORENMARKT_1[1], KORENMARKT_1[0] + 0.00009, srid=4326)
    found = reverse_geocode(point)
    assert found["neighbourhood"] == neighbourhood
    assert found["address"] == "Korenmarkt 1, 9000 Gent"
    assert found["distance_m"] == pytest.approx(10.0, abs=0.5)


def test_reverse_far_from_any_address(gazetteer):
    found = reverse_geocode(Point(3.60, 51.10, srid=4326))
    assert found == {
        "neighbourhood": None,
        "address": None,
        "address_point": None,
        "distance_m": None,
    }


def test_the_default_chain_asks_no_remote_service(gazetteer, settings, no_network):
    assert settings.GEOCODER_CHAIN == ["gazetteer", "postcode"]
    geocode("Nergensstraat 1, 9999 Nergens")
    assert len(no_network.calls) == 0


def test_buurt_geocode_command_prints_json(gazetteer):
    out = StringIO()
    call_command("buurt_geocode", "Rue de la Loi 16, 1000 Bruxelles", "--limit", "1", stdout=out)
    assert json.loads(out.getvalue()) == [
        {
            "lat": WETSTRAAT_16[0],
            "lon": WETSTRAAT_16[1],
            "label": "Rue de la Loi 16, 1000 Bruxelles",
            "precision": "address",
            "score": 1.0,
            "source": "gazetteer",
        }
    ]


def test_buurt_geocode_command_explains_bad_input(gazetteer):
    with pytest.raises(CommandError):
        call_command("buurt_geocode", "   ")
