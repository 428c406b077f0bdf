"""Find text that looks like someone's personal data, so an author is warned before publishing.

Pure functions, no models. Each detector returns Findings with the span in the original text.
The checks lean towards precision: a warning on every date or postcode would teach people to
click it away. Belgian and Dutch formats, because that is where Buurtkaart is used.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PHONE = "phone"
EMAIL = "email"
IBAN = "iban"
NATIONAL_NUMBER = "national_number"

KIND_LABELS = {
    PHONE: _("a phone number"),
    EMAIL: _("an e-mail address"),
    IBAN: _("a bank account number (IBAN)"),
    NATIONAL_NUMBER: _("a national register number"),
}


@dataclass(frozen=True)
class Finding:
    kind: str
    start: int
    end: int
    text: str


def find_personal_data(text: str) -> list[Finding]:
    """All findings in `text`, in reading order.

    Detectors run from the most to the least specific, and a later finding that overlaps an
    earlier one is dropped: the digits of an IBAN are not also a phone number.
    """
    findings: list[Finding] = []
    for detector in (find_ibans, find_national_numbers, find_emails, find_phone_numbers):
        for finding in detector(text):
            if not any(_overlaps(finding, kept) for kept in findings):
                findings.append(finding)
    return sorted(findings, key=lambda f: f.start)


def find_in_fields(texts: Mapping[str, str | None]) -> dict[str, list[Finding]]:
    """Name -> findings, for the named texts that contain any (a form's free-text fields)."""
    found = {name: find_personal_data(text or "") for name, text in texts.items()}
    return {name: findings for name, findings in found.items() if findings}


def _overlaps(a: Finding, b: Finding) -> bool:
    return a.start < b.end and b.start < a.end


# --- E-mail addresses ----------------------------------------------------------------------

# Also the usual disguises: "jan(at)example.be", "jan [at] example.be".
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]+(?:@|\s?[\[(]at[\])]\s?)[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?![\w-])",
    re.IGNORECASE,
)


def find_emails(text: str) -> list[Finding]:
    return [_finding(EMAIL, m) for m in _EMAIL.finditer(text)]


# --- Phone numbers -------------------------------------------------------------------------

# A run of digits with single separators, not glued to other digits: "09/123.45.67",
# "+32 (0)470 12 34 56", "06-12345678". The lookarounds make the whole run the candidate, so
# that part of a longer number ("09.00-12.00 14.00-17.00") is never one.
_SEP = r"[ ./-]"
_PHONE = re.compile(
    rf"(?<![\w+])(?<!\d{_SEP})"
    rf"(?:(?P<intl>(?:\+|00)(?P<country>3[12])){_SEP}?(?:\(0\){_SEP}?)?|(?=\(?0))"
    rf"(?P<number>\(?\d(?:\)?{_SEP}?\d)*)"
    rf"(?!{_SEP}?\d)"
)
# Numbers that have the shape of a phone number but are something else.
_NOT_PHONE = (
    re.compile(r"^\d{1,2}[./-]\d{1,2}[./-](?:19|20)\d\d"),  # a date: 01/02/2024 12
    re.compile(r"^0\d{3}\.\d{3}\.\d{3}$"),  # a Belgian enterprise number: 0123.456.789
)


def find_phone_numbers(text: str) -> list[Finding]:
    """Belgian and Dutch numbers, national (0...) or international (+32, +31, 0032, 0031)."""
    findings = []
    for match in _PHONE.finditer(text):
        number = match.group("number")
        digits = re.sub(r"\D", "", number)
        if match.group("intl"):
            plausible = _plausible_international(match.group("country"), digits)
        else:
            plausible = _plausible_national(digits) and not any(
                pattern.match(number) for pattern in _NOT_PHONE
            )
        if plausible:
            findings.append(_finding(PHONE, match))
    return findings


def _plausible_national(digits: str) -> bool:
    # Belgium: 0 + 8 digits (landline) or 04xx + 6 (mobile); the Netherlands: 0 + 9 digits.
    return digits[:1] == "0" and digits[1:2] not in ("", "0") and len(digits) in (9, 10)


def _plausible_international(country: str, digits: str) -> bool:
    if digits[:1] in ("", "0"):
        return False
    if country == "32":
        return len(digits) == 8 or (len(digits) == 9 and digits[0] == "4")
    return len(digits) == 9


# --- IBAN ----------------------------------------------------------------------------------

# Lengths of the IBANs of the SEPA countries; an IBAN of another country is accepted at any
# length from 15 to 34 when its mod-97 check holds.
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "VA": 22,
}  # fmt: skip
_IBAN_START = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}", re.IGNORECASE)
# After the first four characters: letters and digits, in groups separated by single spaces.
_IBAN_REST = re.compile(r"(?: ?[A-Z0-9])+", re.IGNORECASE)


def iban_is_valid(iban: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to 10..35, mod 97 == 1."""
    iban = iban.replace(" ", "").upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", iban):
        return False
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        return False
    rearranged = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def find_ibans(text: str) -> list[Finding]:
    findings = []
    for start in _IBAN_START.finditer(text):
        rest = _IBAN_REST.match(text, start.end())
        candidate_end = rest.end() if rest else start.end()
        # Positions in `text` of each character of the candidate, spaces left out, so that a
        # valid prefix maps back to its span ("BE68 5390 0754 7034 EN" -> up to "7034").
        positions = [i for i in range(start.start(), candidate_end) if text[i] != " "]
        compact = "".join(text[i] for i in positions).upper()
        expected = IBAN_LENGTHS.get(compact[:2])
        lengths = [expected] if expected else range(min(len(compact), 34), 14, -1)
        for length in lengths:
            if length > len(compact):
                continue
            end = positions[length - 1] + 1
            if _ends_at_boundary(text, end) and iban_is_valid(compact[:length]):
                findings.append(Finding(IBAN, start.start(), end, text[start.start() : end]))
                break
    return findings


def _ends_at_boundary(text: str, end: int) -> bool:
    return end == len(text) or not text[end].isalnum()


# --- Belgian national register number (rijksregisternummer / numéro de registre national) --

_NATIONAL_NUMBER = re.compile(
    r"(?<!\d)(?<!\d[.-])(?P<yy>\d\d)[ .]?(?P<mm>\d\d)[ .]?(?P<dd>\d\d)[ .-]?"
    r"(?P<serial>\d{3})[ .-]?(?P<check>\d\d)(?![\d])"
)


def national_number_check_digits(first_nine: str, *, born_after_1999: bool) -> int:
    """97 minus the first nine digits mod 97; for births from 2000 on, a 2 is put before them."""
    base = int(("2" if born_after_1999 else "") + first_nine)
    return 97 - base % 97


def national_number_is_valid(number: str) -> bool:
    """Eleven digits YYMMDDSSSCC; CC checks either a 19xx or a 20xx birth date.

    The month may be 0 (unknown birth date) or raised by 20 or 40 in bis numbers of people who
    are not in the national register; the day may be 0.
    """
    digits = re.sub(r"[ .-]", "", number)
    if not re.fullmatch(r"\d{11}", digits):
        return False
    month, day = int(digits[2:4]) % 20, int(digits[4:6])
    if int(digits[2:4]) > 52 or month > 12 or day > 31:
        return False
    check = int(digits[9:])
    return check in (
        national_number_check_digits(digits[:9], born_after_1999=False),
        national_number_check_digits(digits[:9], born_after_1999=True),
    )


def find_national_numbers(text: str) -> list[Finding]:
    return [
        _finding(NATIONAL_NUMBER, m)
        for m in _NATIONAL_NUMBER.finditer(text)
        if national_number_is_valid(m.group(0))
    ]


def _finding(kind: str, match: re.Match) -> Finding:
    return Finding(kind, match.start(), match.end(), match.group(0))


# --- Health information (not personal data by form, but by meaning) -----------------------

HEALTH = "health"

# Stems of words that name a diagnosis, treatment or care setting, in Dutch, French and
# English. Matched at the start of a word, so "depressie" and "depressief" both count; the
# list is short on purpose: it prompts a second look, it does not judge.
_HEALTH_STEMS = (
    # nl
    "depressi",
    "dementie",
    "alzheimer",
    "parkinson",
    "kanker",
    "diabet",
    "suikerziek",
    "psychos",
    "psychot",
    "schizofren",
    "bipola",
    "verslav",
    "alcoholis",
    "autis",
    "adhd",
    "ptss",
    "angststoorn",
    "paniekaanval",
    "medicatie",
    "medicijn",
    "psychiat",
    "psycholo",
    "ziekenhuis",
    "opname",
    "opgenomen",
    "zelfmoord",
    "suïcid",
    "suicid",
    "burn-out",
    "burnout",
    "chemo",
    "hiv",
    "epilep",
    "hartaanval",
    "beroerte",
    "diagnose",
    "therapie",
    "eetstoornis",
    "anorex",
    "boulim",
    "zelfbeschadig",
    # fr
    "dépressi",
    "démence",
    "cancer",
    "diabète",
    "schizophrén",
    "bipolaire",
    "addiction",
    "alcoolique",
    "autisme",
    "médicament",
    "hôpital",
    "hospitalis",
    "psychiatr",
    "thérapie",
    "trouble anxieux",
    "crise d'angoisse",
    "épilep",
    "anorexi",
    # en
    "depress",
    "dementia",
    "diabetes",
    "psychosis",
    "psychotic",
    "schizophren",
    "addict",
    "alcoholic",
    "autism",
    "autistic",
    "medication",
    "hospital",
    "psychiatr",
    "therapy",
    "suicid",
    "self-harm",
    "anxiety disorder",
    "panic attack",
    "eating disorder",
)
_HEALTH = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(stem) for stem in _HEALTH_STEMS) + r")\w*",
    re.IGNORECASE,
)


def find_health_terms(text: str) -> list[Finding]:
    """Words that look like health information: a diagnosis, treatment, care setting."""
    return [_finding(HEALTH, m) for m in _HEALTH.finditer(text or "")]


# --- Street addresses (for texts about a person, where no address belongs) -----------------

ADDRESS = "address"
# A word ending like a Belgian or Dutch street name, then a house number: "Kerkstraat 12",
# "Kortrijksesteenweg 100", "rue de la Loi 16". Not used on public texts of organisations,
# whose own address is meant to be there.
_ADDRESS = re.compile(
    r"\b(?:[\w'-]*(?:straat|laan|weg|plein|lei|dreef|kaai|singel|hof|markt|dijk|gracht|pad)"
    r"|(?:rue|avenue|chauss[ée]e|boulevard|place|quai|square)\s+[\w' -]{2,40}?)\s+\d{1,4}\w?\b",
    re.IGNORECASE,
)


def find_street_addresses(text: str) -> list[Finding]:
    return [_finding(ADDRESS, m) for m in _ADDRESS.finditer(text or "")]
