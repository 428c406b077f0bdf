"""When two listings are the same association: names compared without accents, case,
punctuation, word order, legal form ("vzw", "asbl") or a "(demo)" mark, and website domains
compared without "www.". Pure functions, no database: buurt.selectors.organisation_duplicates
asks the database for the candidates and decides with these."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from .geocoding.normalise import SHORT_WORDS, edit_distance, words

# Legal forms (Belgian and Dutch, "v.z.w." is folded to "vzw" by words()) and the demo mark:
# they say nothing about which association it is.
IGNORED_WORDS = frozenset(
    {"vzw", "ivzw", "asbl", "aisbl", "vog", "stichting", "fondation", "foundation", "demo"}
)
# Hosts where many associations each have a page: there the first path segment ("/buurthuis")
# tells them apart, not the host.
SHARED_HOSTS = frozenset(
    {
        "facebook.com",
        "m.facebook.com",
        "instagram.com",
        "sites.google.com",
        "linktr.ee",
        "linkedin.com",
        "youtube.com",
        "x.com",
        "twitter.com",
    }
)

REASONS = {
    "enterprise_number": _("the same enterprise number"),
    "website": _("the same website"),
    "name_postcode": _("a similar name in the same postcode"),
    "name_nearby": _("a similar name nearby"),
}


@lru_cache(maxsize=4096)  # the name asked about is compared with a whole postcode's names
def name_words(name: str) -> tuple[str, ...]:
    """The words that tell an association's name apart, sorted: "De Sleep v.z.w. (demo)" and
    "SLEEP, DE" both give ("de", "sleep")."""
    return tuple(sorted(w for w in words(name) if w not in IGNORED_WORDS))


def _numbers(name: tuple[str, ...]) -> set[str]:
    return {w for w in name if any(c.isdigit() for c in w)}


def _significant(name: tuple[str, ...]) -> set[str]:
    return {w for w in name if len(w) >= 3 and w not in SHORT_WORDS}


def names_similar(a: str, b: str) -> bool:
    """Whether two association names look like the same one.

    The same words in any order; or, when any numbers in them are the same, a few typos in
    the letters of the words (one from 4 letters, two from 9, as in a street name within one
    postcode); or every significant word
    (three letters or more, not an article) of one in the other, when those hold at least five
    letters: "De Sleep" and "Buurthuis De Sleep", not "Club" and "Schaakclub".
    """
    words_a, words_b = name_words(a), name_words(b)
    if not words_a or not words_b:
        return False
    if words_a == words_b:
        return True
    if _numbers(words_a) != _numbers(words_b):
        return False  # "Scouts 12e Gent" is not "Scouts 13e Gent"
    key_a, key_b = "".join(words_a), "".join(words_b)
    shorter = min(len(key_a), len(key_b))
    edits = 0 if shorter < 4 else 1 if shorter < 9 else 2
    if edits and edit_distance(key_a, key_b, limit=edits) <= edits:
        return True
    sig_a, sig_b = _significant(words_a), _significant(words_b)
    smaller, larger = sorted((sig_a, sig_b), key=len)
    return bool(smaller) and sum(map(len, smaller)) >= 5 and smaller <= larger


def website_key(url: str) -> str:
    """What identifies a website: its host without "www." (and the first path segment on a
    shared host such as facebook.com); "" for no or an unreadable address."""
    url = (url or "").strip()
    if not url:
        return ""
    parts = urlsplit(url if "//" in url else f"//{url}")
    host = (parts.hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    if not host or "." not in host:
        return ""
    if host in SHARED_HOSTS:
        segment = next((s for s in parts.path.lower().split("/") if s), "")
        return f"{host}/{segment}" if segment else ""
    return host


def postcode_key(postcode: str) -> str:
    """A postcode without spaces, in capitals: "1011 ab" -> "1011AB"."""
    return "".join((postcode or "").split()).upper()
