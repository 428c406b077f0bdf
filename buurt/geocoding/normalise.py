"""Pure functions that turn what people type into search keys. No Django, no database.

A *key* is how a street or place name is compared: lowercase, without accents, punctuation
or spaces, with abbreviations written out. "St-Pietersnieuwstr.", "Sint Pietersnieuwstraat"
and "SINT-PIETERSNIEUWSTRAAT" all have the key "sintpietersnieuwstraat". Dropping the spaces
makes "Kortrijkse Steenweg" and "Kortrijksesteenweg" equal and keeps a half-typed name a prefix
of the full one, which is what autocomplete needs.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

# Whole words, after accents and case are folded. Both languages of Brussels: "St" is "Sint"
# or "Saint"; they share one spelling in keys so that either finds the other's abbreviation.
WORDS = {
    "st": "sint",
    "saint": "sint",
    "sts": "sint",
    "ste": "sainte",
    "stwg": "steenweg",
    "stw": "steenweg",
    "steenw": "steenweg",
    "str": "straat",
    "ln": "laan",
    "pln": "plein",
    "olv": "onze lieve vrouw",
    "burg": "burgemeester",
    "prof": "professor",
    "gebr": "gebroeders",
    "kon": "koning",
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "blvd": "boulevard",
    "boul": "boulevard",
    "chee": "chaussee",
    "chauss": "chaussee",
    "sq": "square",
    "imp": "impasse",
}
# Only as the first word of a street name, where they are French street types.
FIRST_WORDS = {"r": "rue", "ch": "chaussee", "pl": "place"}
# Anywhere else "pl" is the Dutch "plein".
OTHER_WORDS = {"pl": "plein"}
# Glued to the end of a word: "Sint-Pietersnieuwstr", "Kortrijksestwg", "Leopoldln".
SUFFIXES = (
    ("stwg", "steenweg"),
    ("str", "straat"),
    ("ln", "laan"),
    ("pln", "plein"),
    ("pl", "plein"),
)
# Words that say nothing about where: dropped from queries.
NOISE = {"belgie", "belgium", "belgique", "nederland", "netherlands", "pays", "bas"}

BOX_WORDS = ("bus", "bte", "boite", "box")
# Dutch postcodes are four digits and two letters; SA, SD and SS are never used.
NL_POSTCODE = re.compile(r"\b([1-9]\d{3})\s?(?!sa\b|sd\b|ss\b)([a-z]{2})\b")
BOX = re.compile(r"\b(?:(?:bus|bte|boite|box)\.?\s*([0-9a-z]{1,6})|b\.?\s*(\d{1,5}[a-z]?))\b")
NL_POSTCODE_CAPITALS = re.compile(r"\b([1-9]\d{3})\s?(?!SA\b|SD\b|SS\b)([A-Z]{2})\b")
SHORT_WORDS = {
    "de",
    "la",
    "le",
    "du",
    "en",
    "op",
    "in",
    "te",
    "of",
    "on",
    "am",
    "an",
    "at",
    "au",
    "et",
}
SLASH_BOX = re.compile(r"\b(\d{1,5}[a-z]?)\s*/\s*([0-9a-z]{1,6})\b")
# ASCII digits only: \d also matches the digits of other scripts (Osmanya "𐒠", found by
# hypothesis), which would have stayed in a key.
TOKEN = re.compile(r"[0-9]+[a-z]?|[a-z]+")
DOTTED_INITIALS = re.compile(r"\b(?:[a-z]\.\s?){2,}")


def fold(text: str) -> str:
    """Lowercase without accents: "Chaussée de Waterloo" -> "chaussee de waterloo"."""
    text = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.lower().replace("’", "'").replace("‘", "'")


def words(text: str) -> list[str]:
    """Folded words and numbers of a name, with abbreviations written out."""
    text = DOTTED_INITIALS.sub(
        lambda m: m.group().replace(".", "").replace(" ", "") + " ", fold(text)
    )
    tokens = TOKEN.findall(text)
    out: list[str] = []
    for position, token in enumerate(tokens):
        if position == 0 and token in FIRST_WORDS:
            out.append(FIRST_WORDS[token])
        elif token in WORDS:
            out.extend(WORDS[token].split())
        elif token in OTHER_WORDS:
            out.append(OTHER_WORDS[token])
        else:
            out.append(_expand_suffix(token))
    return out


def _expand_suffix(token: str) -> str:
    for short, full in SUFFIXES:
        if token.endswith(short) and len(token) > len(short) + 2:
            return token[: -len(short)] + full
    return token


def street_key(name: str) -> str:
    """The search key of a street or place name (see the module docstring).

    A key is its own key: short tokens joined can read as an abbreviation themselves ("A/V"
    gives "av", which is "avenue"), so the key is settled again until it stays the same.
    """
    key = "".join(words(name))
    for _attempt in range(3):
        again = "".join(words(key))
        if again == key:
            break
        key = again
    return key


def place_keys(*names: str) -> str:
    """Space-delimited keys of a place's names, with a space at each end for LIKE ' key '."""
    keys = []
    for name in names:
        key = street_key(name) if name else ""
        if key and key not in keys:
            keys.append(key)
    return " " + " ".join(keys) + " "


def house_key(number: str) -> str:
    """ "12 A", "12a", "12-a" -> "12a": the house number as one lowercase token."""
    return re.sub(r"[^0-9a-z]", "", fold(number or ""))


def box_key(box: str) -> str:
    """ "0002", "2", "bus 2" -> "2"; "RDC" -> "rdc". Leading zeros of numbers are dropped."""
    key = re.sub(r"[^0-9a-z]", "", fold(box or ""))
    for word in BOX_WORDS:
        if key.startswith(word) and len(key) > len(word):
            key = key[len(word) :]
            break
    return key.lstrip("0") or ("0" if key else "")


def number_part(number: str) -> int | None:
    """The leading digits of a house number as an int ("12A" -> 12), or None."""
    match = re.match(r"\s*(\d{1,7})", number or "")
    return int(match.group(1)) if match else None


def is_be_postcode(token: str) -> bool:
    return len(token) == 4 and token.isdigit() and 1000 <= int(token) <= 9999


@dataclass
class ParsedQuery:
    """What a free-text address query says, as far as text alone can tell."""

    text: str
    street: str = ""  # the street words as folded text, for labels and suggestions
    street_key: str = ""
    house_number: str = ""  # "33", "12a"
    number: int | None = None
    box: str = ""
    postcode: str = ""
    place_key: str = ""  # the municipality or postal name, as a key
    # A lone four-digit number after the street ("Kortrijksesteenweg 1015") was read as a
    # postcode; it may be a house number instead.
    number_may_be_postcode: bool = False
    tokens: list[str] = field(default_factory=list)

    @property
    def has_letters(self) -> bool:
        return bool(self.street_key or self.place_key)

    @property
    def only_house_number(self) -> bool:
        return bool(self.house_number) and not (self.street_key or self.place_key or self.postcode)


def parse_query(
    text: str,
    *,
    is_place: Callable[[str], bool] = lambda key: False,
) -> ParsedQuery:
    """Split a free-text address into street, house number, box, postcode and place.

    Handles "St-Pietersnieuwstr. 33 bus 2, 9000 Gent", "9000 Gent Korenmarkt 1",
    "Rue de la Loi 16 1000 Bruxelles", "Kerkstraat 12A", "Veldstraat 33-35" (the first number
    of a range), "Veldstraat 33/2" (box 2) and Dutch postcodes ("9711 LM"). `is_place` says
    whether a key is a known municipality or postal name; it separates "Kortrijksesteenweg
    Gent" into street and place when no number or comma does.
    """
    parsed = ParsedQuery(text=text)
    folded = _take_dutch_postcode(parsed, text, _fold_initials(text))
    folded = _join_house_numbers(_take_box(parsed, folded))
    parts = [[t for t in TOKEN.findall(part) if t not in NOISE] for part in folded.split(",")]
    parsed.tokens = [t for part in parts for t in part]
    street_words: list[str] = []
    place_words: list[str] = []
    for part in parts:
        _sort_part(parsed, part, street=street_words, place=place_words)
    street_words, place_words = _separate_place(parsed, street_words, place_words, is_place)
    _set_keys(parsed, street_words, place_words)
    return parsed


def _fold_initials(text: str) -> str:
    """The folded text with dotted initials joined ("o.l.v. straat" -> "olv straat")."""
    return DOTTED_INITIALS.sub(
        lambda m: m.group().replace(".", "").replace(" ", "") + " ", fold(text)
    )


def _take_dutch_postcode(parsed: ParsedQuery, text: str, folded: str) -> str:
    """Set a Dutch postcode ("9711 LM") and put a comma in its place.

    Dutch postcodes are written in capitals ("1012 JS"). Otherwise "9840 De Pinte" is a
    Belgian postcode before a place: short common words are not postcode letters.
    """
    capitals = NL_POSTCODE_CAPITALS.search(text)
    written = (capitals.group(1) + capitals.group(2)).lower() if capitals else None
    nl = next(
        (
            m
            for m in NL_POSTCODE.finditer(folded)
            if m.group(1) + m.group(2) == written or m.group(2) not in SHORT_WORDS
        ),
        None,
    )
    if not nl:
        return folded
    parsed.postcode = (nl.group(1) + nl.group(2)).upper()
    return folded[: nl.start()] + " , " + folded[nl.end() :]


def _take_box(parsed: ParsedQuery, folded: str) -> str:
    """Set the box ("33/2", "bus 2", "bte 2", "b. 2") and take it out of the text."""
    slash = SLASH_BOX.search(folded)
    if slash:
        parsed.box = box_key(slash.group(2))
        folded = folded[: slash.start()] + f" {slash.group(1)} " + folded[slash.end() :]
    box = BOX.search(folded)
    if box and not parsed.box:
        parsed.box = box_key(box.group(1) or box.group(2))
        folded = folded[: box.start()] + " " + folded[box.end() :]
    return folded


def _join_house_numbers(folded: str) -> str:
    """Ranges "33-35" keep their first number; a letter after a space ("12 a") joins it."""
    folded = re.sub(r"\b(\d{1,5}[a-z]?)\s*-\s*\d{1,5}[a-z]?\b", r"\1", folded)
    return re.sub(r"\b(\d{1,5})\s([a-z])\b(?!')", r"\1\2", folded)


def _sort_part(parsed: ParsedQuery, part: list[str], *, street: list[str], place: list[str]):
    """Sort the tokens of one comma-separated part: numbers into the postcode and the house
    number (or the start of a street name); words into the street until the part's first
    number, into the place after it, and always into the place once an earlier part named
    the street."""
    street_named_before = bool(street)
    seen_number = False
    for i, token in enumerate(part):
        role = _read_number(parsed, part, i, street=street, seen_number=seen_number)
        if role == "street" or (role == "word" and not (seen_number or street_named_before)):
            street.append(token)
        elif role == "word":
            place.append(token)
        elif role:
            seen_number = True


def _read_number(
    parsed: ParsedQuery, part: list[str], i: int, *, street: list[str], seen_number: bool
) -> str:
    """What part[i] is: "word", "postcode" or "house" (both then set in `parsed`), "street"
    (a number that starts a street name), or "" (a further number, ignored)."""
    token = part[i]
    if not token[0].isdigit():
        return "word"
    previous_is_word = i > 0 and not part[i - 1][0].isdigit()
    if is_be_postcode(token) and not parsed.postcode:
        parsed.postcode = token
        followed_by_word = i + 1 < len(part) and not part[i + 1][0].isdigit()
        if previous_is_word and not (seen_number or parsed.house_number or followed_by_word):
            # "Kortrijksesteenweg 1015": read as postcode, may be a number. Not in "Wetstraat
            # 1000 Brussel", a postcode between street and place.
            parsed.number_may_be_postcode = True
        return "postcode"
    if parsed.house_number:
        return ""
    if not (previous_is_word or street) and i + 1 < len(part):
        return "street"  # "11 Novemberlaan": a number that starts a street name belongs to it.
    parsed.house_number = token
    return "house"


def _separate_place(
    parsed: ParsedQuery,
    street: list[str],
    place: list[str],
    is_place: Callable[[str], bool],
) -> tuple[list[str], list[str]]:
    """(street words, place words) where no number or comma told them apart."""
    if not place and street:
        return _split_trailing_place(street, is_place)
    if place and not street:
        # "9000 Gent Korenmarkt 1": the place came first, the street after it.
        place, street = _split_leading_place(place, is_place)
        if not street and parsed.house_number and place:
            # "Korenmarkt 1" where the whole name is also a place: keep it a street.
            return place, []
    return street, place


def _set_keys(parsed: ParsedQuery, street: list[str], place: list[str]) -> None:
    parsed.street = " ".join(street)
    parsed.street_key = street_key(parsed.street)
    parsed.place_key = street_key(" ".join(place))
    if parsed.house_number:
        parsed.house_number = house_key(parsed.house_number)
        parsed.number = number_part(parsed.house_number)
    if not parsed.street_key and parsed.number_may_be_postcode:
        parsed.number_may_be_postcode = False


def _split_trailing_place(
    tokens: list[str], is_place: Callable[[str], bool]
) -> tuple[list[str], list[str]]:
    """Split trailing words that name a known place off the street words."""
    for size in (3, 2, 1):
        if len(tokens) >= size and is_place(street_key(" ".join(tokens[-size:]))):
            return tokens[:-size], tokens[-size:]
    return tokens, []


def _split_leading_place(
    tokens: list[str], is_place: Callable[[str], bool]
) -> tuple[list[str], list[str]]:
    """Split leading words that name a known place off the street words after them."""
    for size in (3, 2, 1):
        if len(tokens) > size and is_place(street_key(" ".join(tokens[:size]))):
            return tokens[:size], tokens[size:]
    return tokens, []


def edit_distance(a: str, b: str, *, limit: int = 2) -> int:
    """Typing distance between two keys, or limit + 1 when it exceeds `limit`.

    Counts inserted, deleted and replaced letters and swapped neighbours ("Peiters" for
    "Pieters" is one typo, not two): the optimal string alignment distance. Banded: only
    cells within `limit` of the diagonal are computed, so comparing a key with thousands of
    candidates stays cheap.
    """
    if a == b:
        return 0
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    if len(a) > len(b):
        a, b = b, a
    big = limit + 1
    before: list[int] | None = None
    previous = [j if j <= limit else big for j in range(len(b) + 1)]
    for i in range(1, len(a) + 1):
        low, high = max(1, i - limit), min(len(b), i + limit)
        current = [big] * (len(b) + 1)
        current[0] = i if i <= limit else big
        for j in range(low, high + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                value = min(value, before[j - 2] + 1)
            current[j] = min(value, big)
        if min(current[max(0, low - 1) : high + 1]) > limit:
            return big
        before, previous = previous, current
    return min(previous[len(b)], big)


def fuzzy_fragments(key: str, *, edits: int = 2) -> list[str]:
    """Pieces of `key` of which at least one survives any `edits` typos unchanged.

    An insertion, deletion or replacement spoils at most one piece, a swap of neighbours at
    a boundary two: cut into 2 * edits + 1 pieces, a key with at most `edits` typos still
    contains one piece as it was (pigeonhole), so `LIKE '%piece%'` on these pieces finds
    every street within that distance; the distance is then checked exactly. Pieces shorter
    than three letters would match half the table: a short key gets fewer, longer pieces
    (and a swap across their boundary may then be missed).
    """
    parts = 2 * edits + 1
    while parts > 1 and len(key) // parts < 3:
        parts -= 1
    size = len(key) // parts
    if parts < 2 or size < 3:
        return []
    pieces = [key[i * size : (i + 1) * size] for i in range(parts - 1)]
    pieces.append(key[(parts - 1) * size :])
    return list(dict.fromkeys(pieces))


def allowed_edits(key: str, *, scoped: bool = False) -> int:
    """Typos tolerated in a street key.

    Among all streets: none below 5 letters, one up to 8, two beyond. Within a postcode or
    town, where few names compete: one from 4 letters, two from 6.
    """
    if scoped:
        return 0 if len(key) < 4 else 1 if len(key) < 6 else 2
    if len(key) < 5:
        return 0
    return 1 if len(key) <= 8 else 2
