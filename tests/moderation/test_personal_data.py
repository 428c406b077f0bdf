"""The personal-data detector: checksums (generated with Hypothesis) and everyday text."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import personal_data
from core.personal_data import (
    EMAIL,
    IBAN,
    NATIONAL_NUMBER,
    PHONE,
    find_personal_data,
    national_number_check_digits,
)

# --- Generators of valid numbers, written from the standards rather than from the code -----


def iban_check_digits(country: str, bban: str) -> str:
    """ISO 13616: 98 - (BBAN + country as digits + "00") mod 97."""
    numeric = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{98 - int(numeric) % 97:02d}"


def belgian_bban(bank: int, account: int) -> str:
    """3-digit bank code, 7-digit account, 2 check digits: the first ten mod 97 (97 for 0)."""
    first_ten = f"{bank:03d}{account:07d}"
    return first_ten + f"{int(first_ten) % 97 or 97:02d}"


def grouped(iban: str) -> str:
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


belgian_ibans = st.builds(
    lambda bank, account: "BE" + iban_check_digits("BE", b := belgian_bban(bank, account)) + b,
    st.integers(0, 999),
    st.integers(0, 9_999_999),
)
dutch_ibans = st.builds(
    lambda bank, account: "NL" + iban_check_digits("NL", b := bank + f"{account:010d}") + b,
    st.sampled_from(["ABNA", "INGB", "RABO", "SNSB", "TRIO", "ASNB"]),
    st.integers(0, 9_999_999_999),
)
ibans = st.one_of(belgian_ibans, dutch_ibans)


def national_number(born: date, serial: int) -> str:
    first_nine = f"{born:%y%m%d}{serial:03d}"
    check = national_number_check_digits(first_nine, born_after_1999=born.year >= 2000)
    return f"{first_nine}{check:02d}"


def dotted(number: str) -> str:
    """YY.MM.DD-SSS.CC, as printed on the Belgian identity card."""
    n = number
    return f"{n[0:2]}.{n[2:4]}.{n[4:6]}-{n[6:9]}.{n[9:11]}"


birth_dates = st.dates(date(1900, 1, 1), date(2099, 12, 31))
serials = st.integers(1, 998)


def kinds(text: str) -> list[str]:
    return [finding.kind for finding in find_personal_data(text)]


# --- IBAN ----------------------------------------------------------------------------------


@given(iban=ibans, spaced=st.booleans())
def test_a_valid_iban_is_found_with_its_span(iban, spaced):
    written = grouped(iban) if spaced else iban
    text = f"Stort het bedrag op {written}, bedankt!"

    [finding] = find_personal_data(text)

    assert finding.kind == IBAN
    assert text[finding.start : finding.end] == written == finding.text


@given(iban=ibans, wrong=st.integers(0, 99))
def test_an_iban_with_corrupted_check_digits_is_not_one(iban, wrong):
    right = int(iban[2:4])
    if wrong % 97 == right % 97:  # 99 and 02 are the same check
        wrong = (right + 1) % 97
    corrupted = f"{iban[:2]}{wrong:02d}{iban[4:]}"

    assert IBAN not in kinds(f"Rekening {grouped(corrupted)}.")
    assert IBAN not in kinds(f"Rekening {corrupted}.")


@given(iban=belgian_ibans, position=st.integers(4, 15), delta=st.integers(1, 9))
def test_an_iban_with_a_mistyped_digit_is_not_one(iban, position, delta):
    digit = (int(iban[position]) + delta) % 10
    mistyped = iban[:position] + str(digit) + iban[position + 1 :]
    assert IBAN not in kinds(f"IBAN: {mistyped}")


def test_iban_examples():
    text = "Op BE68 5390 0754 7034 of NL91ABNA0417164300 en gb82 west 1234 5698 7654 32."
    assert [f.text for f in find_personal_data(text)] == [
        "BE68 5390 0754 7034",
        "NL91ABNA0417164300",
        "gb82 west 1234 5698 7654 32",
    ]
    # Words after the number are not part of it.
    assert find_personal_data("BE68 5390 0754 7034 EN MEER")[0].text == "BE68 5390 0754 7034"
    # The Belgian length is 16: a digit too many is no IBAN.
    assert IBAN not in kinds("BE68 5390 0754 70341")


# --- Belgian national register number -----------------------------------------------------


@given(born=birth_dates, serial=serials, style=st.sampled_from([str, dotted]))
def test_a_valid_national_register_number_is_found(born, serial, style):
    written = style(national_number(born, serial))
    text = f"Rijksregisternummer: {written}."

    [finding] = find_personal_data(text)

    assert finding.kind == NATIONAL_NUMBER
    assert finding.text == written


@given(born=birth_dates, serial=serials, wrong=st.integers(0, 99))
def test_a_national_register_number_with_corrupted_check_digits_is_not_one(born, serial, wrong):
    number = national_number(born, serial)
    valid = {
        national_number_check_digits(number[:9], born_after_1999=False),
        national_number_check_digits(number[:9], born_after_1999=True),
    }
    if wrong in valid:
        return
    corrupted = f"{number[:9]}{wrong:02d}"

    assert find_personal_data(f"RRN {corrupted} en {dotted(corrupted)}") == []


def test_the_check_of_people_born_from_2000_on_puts_a_2_before_the_number():
    # Born 1 January 2001: 97 - (2010101001 mod 97) = 26; the 19xx rule would give 94.
    assert national_number_check_digits("010101001", born_after_1999=True) == 26
    assert national_number_check_digits("010101001", born_after_1999=False) == 94
    assert kinds("01.01.01-001.26") == [NATIONAL_NUMBER]
    assert kinds("01.01.01-001.27") == []
    assert kinds("85.07.30-033.28") == [NATIONAL_NUMBER]  # the classic 1985 example
    assert kinds("85.07.30-033.29") == []


def test_bis_numbers_raise_the_month_and_impossible_months_are_refused():
    bis = "854730033"  # month 07 + 40: someone not in the national register
    check = national_number_check_digits(bis, born_after_1999=False)
    assert kinds(f"{bis}{check:02d}") == [NATIONAL_NUMBER]
    impossible = "851530033"  # month 15
    check = national_number_check_digits(impossible, born_after_1999=False)
    assert kinds(f"{impossible}{check:02d}") == []


# --- Phone numbers and e-mail addresses ---------------------------------------------------


@pytest.mark.parametrize(
    "number",
    [
        "0470 12 34 56",  # Belgian mobile
        "0470/12.34.56",
        "09 123 45 67",  # Gent landline
        "09/123.45.67",
        "(09) 123 45 67",
        "02-123-45-67",
        "+32 470 12 34 56",
        "+32 (0)9 123 45 67",
        "0032 9 123 45 67",
        "06-12345678",  # Dutch mobile
        "020 123 4567",
        "+31 6 12345678",
        "+31 (0)20 123 4567",
        "0031 20 1234567",
    ],
)
def test_belgian_and_dutch_phone_numbers(number):
    [finding] = find_personal_data(f"Bel me gerust op {number} na 18 uur.")
    assert (finding.kind, finding.text) == (PHONE, number)


@pytest.mark.parametrize(
    "address",
    [
        "an.peeters@example.be",
        "jan+buurt@mail.example.org",
        "an(at)example.be",
        "an [at] example.nl",
    ],
)
def test_email_addresses(address):
    [finding] = find_personal_data(f"Mail naar {address}.")
    assert (finding.kind, finding.text) == (EMAIL, address)


def test_findings_come_in_reading_order_with_their_spans():
    text = "An: an@example.be, 0470 12 34 56, BE68 5390 0754 7034, 85.07.30-033.28"
    findings = find_personal_data(text)
    assert [f.kind for f in findings] == [EMAIL, PHONE, IBAN, NATIONAL_NUMBER]
    assert all(text[f.start : f.end] == f.text for f in findings)


def test_find_in_fields_names_the_fields_with_findings():
    found = personal_data.find_in_fields(
        {"title": "Soep op vrijdag", "description": "Bel 0470 12 34 56", "empty": None}
    )
    assert list(found) == ["description"]


# --- Ordinary text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Elke dinsdag van 09.00-12.00 en 14.00-17.00 in de Sint-Pietersnieuwstraat 41.",
        "Open 09:00 - 17:00, gesloten op 01/05/2025 en 25-12-2025.",
        "Infoavond op 01/02/2024 19:30 en 2024-03-12 om 20 uur.",
        "Buurthuis, Korenmarkt 1, 9000 Gent; Rue Haute 10, 1000 Bruxelles.",
        "Wijkcentrum, Damrak 1, 1012 LG Amsterdam.",
        "Ondernemingsnummer 0123.456.789, btw BE 0123.456.789.",
        "Lidgeld € 1.250,00 per jaar of 12,50 per maand; 3 x per week; 250 leden sinds 1985.",
        "Bus 17, 21 en 22; tram 1 en 4; postbus 2000 Antwerpen.",
        "ISBN 978-90-1234-567-8, boek 3 van 12.",
        "Kom langs! Telefoon en e-mail staan bij de contactgegevens.",
    ],
)
def test_no_false_positives_in_ordinary_text(text):
    assert find_personal_data(text) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Woont in de Kerkstraat 12 bij zijn zus", ["Kerkstraat 12"]),
        ("Kortrijksesteenweg 100A, 9000 Gent", ["Kortrijksesteenweg 100A"]),
        ("Habite rue de la Loi 16.", ["rue de la Loi 16"]),
        ("Komt elke dinsdag om 14 uur, 2 keer per week", []),
        ("Speelt graag in de straat met 3 buren", []),
    ],
)
def test_street_addresses(text, found):
    assert [f.text for f in personal_data.find_street_addresses(text)] == found
