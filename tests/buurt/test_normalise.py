"""The pure text rules of address search (no database)."""

import string

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from buurt.geocoding.normalise import (
    box_key,
    edit_distance,
    fold,
    fuzzy_fragments,
    house_key,
    parse_query,
    street_key,
)

PLACES = {"gent", "gand", "brussel", "bruxelles", "mariakerke", "gentbrugge", "mechelen"}


def parse(text):
    return parse_query(text, is_place=PLACES.__contains__)


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("Sint-Pietersnieuwstraat", "sintpietersnieuwstraat"),
        ("St-Pietersnieuwstr.", "sintpietersnieuwstraat"),
        ("ST. PIETERSNIEUWSTRAAT", "sintpietersnieuwstraat"),
        ("Kortrijkse Steenweg", "kortrijksesteenweg"),
        ("Kortrijksestwg", "kortrijksesteenweg"),
        ("Kortrijkse stwg.", "kortrijksesteenweg"),
        ("Frère-Orbanln", "frereorbanlaan"),
        ("Frère-Orban ln.", "frereorbanlaan"),
        ("O.L.V.-straat", "onzelievevrouwstraat"),
        ("Onze-Lieve-Vrouwstraat", "onzelievevrouwstraat"),
        ("Chaussée de Mons", "chausseedemons"),
        ("Ch. de Mons", "chausseedemons"),
        ("Av. Louise", "avenuelouise"),
        ("Rue de l'Église", "ruedeleglise"),
        ("Saint-Gilles", "sintgilles"),
        ("St-Gilles", "sintgilles"),
        ("Burg. Van Gansberghelaan", "burgemeestervangansberghelaan"),
        ("Sint-Pietersplein", "sintpietersplein"),
        ("Sint-Pieterspl.", "sintpietersplein"),
        ("Pl. Flagey", "placeflagey"),
    ],
)
def test_street_key_writes_out_abbreviations_and_drops_accents(written, key):
    assert street_key(written) == key


def test_fold_removes_accents_and_case():
    assert fold("Chaussée de WATERLOO Straße") == "chaussee de waterloo strasse"


@pytest.mark.parametrize(
    ("written", "key"), [("12 A", "12a"), ("12a", "12a"), ("12-a", "12a"), ("33", "33")]
)
def test_house_key(written, key):
    assert house_key(written) == key


@pytest.mark.parametrize(
    ("written", "key"), [("0002", "2"), ("2", "2"), ("bus 2", "2"), ("RDC", "rdc"), ("", "")]
)
def test_box_key(written, key):
    assert box_key(written) == key


@pytest.mark.parametrize(
    ("text", "street", "number", "box", "postcode", "place"),
    [
        (
            "St-Pietersnieuwstr. 33 bus 2, 9000 Gent",
            "sintpietersnieuwstraat",
            "33",
            "2",
            "9000",
            "gent",
        ),
        ("Sint-Pietersnieuwstraat 33", "sintpietersnieuwstraat", "33", "", "", ""),
        ("Sint-Pietersnieuwstraat 33 b2", "sintpietersnieuwstraat", "33", "2", "", ""),
        ("Sint-Pietersnieuwstraat 33 bte 2", "sintpietersnieuwstraat", "33", "2", "", ""),
        ("Sint-Pietersnieuwstraat 33/2", "sintpietersnieuwstraat", "33", "2", "", ""),
        ("9000 Gent, Korenmarkt 1", "korenmarkt", "1", "", "9000", "gent"),
        ("9000 Gent Korenmarkt 1", "korenmarkt", "1", "", "9000", "gent"),
        ("Korenmarkt 1 Gent 9000", "korenmarkt", "1", "", "9000", "gent"),
        ("Korenmarkt 1, Gent", "korenmarkt", "1", "", "", "gent"),
        ("Kortrijksesteenweg Gent", "kortrijksesteenweg", "", "", "", "gent"),
        ("Rue de la Loi 16 1000 Bruxelles", "ruedelaloi", "16", "", "1000", "bruxelles"),
        ("Wetstraat 1000 Brussel", "wetstraat", "", "", "1000", "brussel"),
        ("Veldstraat 33-35", "veldstraat", "33", "", "", ""),
        ("Veldstraat 33 - 35", "veldstraat", "33", "", "", ""),
        ("Kerkstraat 12A", "kerkstraat", "12a", "", "", ""),
        ("Kerkstraat 12 a", "kerkstraat", "12a", "", "", ""),
        ("9000", "", "", "", "9000", ""),
        ("Gent", "", "", "", "", "gent"),
        ("Mariakerke", "", "", "", "", "mariakerke"),
        ("Korenmarkt", "korenmarkt", "", "", "", ""),
        ("Dam 1, 1012 JS Amsterdam", "dam", "1", "", "1012JS", "amsterdam"),
        ("11 Novemberlaan 5", "11novemberlaan", "5", "", "", ""),
    ],
)
def test_parse_query(text, street, number, box, postcode, place):
    parsed = parse(text)
    assert (
        parsed.street_key,
        parsed.house_number,
        parsed.box,
        parsed.postcode,
        parsed.place_key,
    ) == (
        street,
        number,
        box,
        postcode,
        place,
    )


def test_a_lone_four_digit_number_after_a_street_may_be_a_house_number():
    parsed = parse("Kortrijksesteenweg 1015")
    assert parsed.postcode == "1015"
    assert parsed.number_may_be_postcode


def test_only_a_house_number_is_recognised():
    assert parse("33").only_house_number
    assert parse("12A").only_house_number
    assert not parse("9000").only_house_number
    assert not parse("Korenmarkt 1").only_house_number


@pytest.mark.parametrize(
    ("a", "b", "distance"),
    [("kitten", "sitting", 3), ("veldstraat", "veldstrat", 1), ("abc", "abc", 0), ("", "ab", 2)],
)
def test_edit_distance(a, b, distance):
    assert edit_distance(a, b, limit=5) == distance


def test_edit_distance_stops_at_the_limit():
    assert edit_distance("kortrijksesteenweg", "brusselsesteenweg", limit=2) == 3


def test_fuzzy_fragments_cover_two_edits():
    key = "sintpietersnieuwstraat"
    typo = "sintpietrsnieuwstrat"  # two deletions
    assert any(fragment in typo for fragment in fuzzy_fragments(key))
    assert fuzzy_fragments("laan") == []


# --- properties ---------------------------------------------------------------------------

LATIN = string.ascii_letters + "éèêëàâäïîôöüûçÉÈÀÇ" + string.digits + " -'.,/"


def reference_distance(a: str, b: str) -> int:
    """Optimal string alignment distance (Levenshtein plus swapped neighbours), the full
    table: what edit_distance computes in a band."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


@example("A/V")  # "av" is itself an abbreviation (found by hypothesis)
@given(st.text(alphabet=LATIN, max_size=60))
def test_street_key_is_idempotent_and_plain_ascii(name):
    key = street_key(name)
    assert key == street_key(key)
    assert all(c in string.ascii_lowercase + string.digits for c in key)


@given(st.text(alphabet=LATIN, max_size=60))
def test_street_key_ignores_case_and_accents(name):
    assert street_key(name.upper()) == street_key(name) == street_key(fold(name))


@given(st.text(max_size=300))
@example("\U000104a0:0")  # a digit of another script
def test_parse_query_never_fails_on_any_text(text):
    parsed = parse(text)
    assert all(c in string.ascii_lowercase + string.digits for c in parsed.street_key)
    assert all(c in string.ascii_lowercase + string.digits for c in parsed.house_number)


@given(
    st.text(alphabet="abcdefgh", max_size=12),
    st.text(alphabet="abcdefgh", max_size=12),
    st.integers(min_value=0, max_value=4),
)
def test_edit_distance_matches_the_textbook_definition(a, b, limit):
    assert edit_distance(a, b, limit=limit) == min(reference_distance(a, b), limit + 1)


STREETS = ["Sint-Pietersnieuwstraat", "Korenmarkt", "Kortrijksesteenweg", "Rue de la Loi"]


@given(
    street=st.sampled_from(STREETS),
    number=st.integers(min_value=1, max_value=999),
    letter=st.sampled_from(["", "A", "b"]),
    box=st.sampled_from(["", "2", "12"]),
    postcode=st.sampled_from(["9000", "1000", "9050"]),
    style=st.sampled_from(
        ["{s} {n}{l}{b}, {p} Gent", "{p} Gent, {s} {n}{l}{b}", "{s} {n}{l}{b} {p}", "{s} {n}{l}{b}"]
    ),
)
def test_parse_query_recovers_what_was_written(street, number, letter, box, postcode, style):
    written_box = f" bus {box}" if box else ""
    text = style.format(s=street, n=number, l=letter, b=written_box, p=postcode)
    parsed = parse(text)
    assert parsed.street_key == street_key(street)
    assert parsed.house_number == f"{number}{letter.lower()}"
    assert parsed.box == box
    if "{p}" in style:
        assert parsed.postcode == postcode
