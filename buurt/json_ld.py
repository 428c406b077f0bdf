"""schema.org structured data for an organisation's page (JSON-LD), as activity pages carry
for their Event: an Organization with its PostalAddress, and a Place with the point and the
opening hours when they are written in a way a machine can read."""

from __future__ import annotations

import html
import re

from django.utils.html import strip_tags

from core.text import render_user_markdown

from .models import Organisation

_DAYS = {
    "Monday": ("mo", "monday", "maandag", "lundi"),
    "Tuesday": ("tu", "tuesday", "dinsdag", "mardi"),
    "Wednesday": ("we", "wednesday", "woensdag", "mercredi"),
    "Thursday": ("th", "thursday", "donderdag", "jeudi"),
    "Friday": ("fr", "friday", "vrijdag", "vendredi"),
    "Saturday": ("sa", "saturday", "zaterdag", "samedi"),
    "Sunday": ("su", "sunday", "zondag", "dimanche"),
}
_DAY_OF = {word: day for day, words in _DAYS.items() for word in words}
_ORDER = list(_DAYS)
_DAY = "|".join(sorted(_DAY_OF, key=len, reverse=True))
_TIME = r"(\d{1,2})[:.hu](\d{2})"
# "Mo-Fr 09:00-17:00", "dinsdag 19:30 - 22:00", "lundi, jeudi: 14h00-16h00"
_LINE = re.compile(
    rf"^(?P<days>(?:{_DAY})(?:\s*(?:-|–|,|tot|en|et|to|and)\s*(?:{_DAY}))*)\s*:?\s*"
    rf"{_TIME}\s*(?:-|–|tot|à|to)\s*{_TIME}$",
    re.IGNORECASE,
)
_DUTCH_POSTCODE = re.compile(r"^[1-9]\d{3}\s?[A-Za-z]{2}$")


def _days(text: str) -> list[str] | None:
    words = re.findall(rf"{_DAY}|-|–|tot|to", text.lower())
    days: list[str] = []
    through = False
    for word in words:
        if word in ("-", "–", "tot", "to"):
            through = True
            continue
        day = _DAY_OF[word]
        if through and days:
            first, last = _ORDER.index(days[-1]), _ORDER.index(day)
            if last <= first:
                return None
            days.extend(_ORDER[first + 1 : last + 1])
        else:
            days.append(day)
        through = False
    return days or None


def opening_hours_specification(text: str) -> list[dict]:
    """OpeningHoursSpecification for opening hours written one line per day range and hours
    ("Mo-Fr 09:00-17:00", "dinsdag 19u30-22u00", "mercredi 14h00-16h00"); [] when any line
    says something else (a free sentence is true for people, not for machines)."""
    specifications = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        match = _LINE.match(line)
        days = _days(match.group("days")) if match else None
        if not match or not days:
            return []
        h1, m1, h2, m2 = (int(g) for g in match.groups()[1:])
        if not (h1 < 24 and h2 < 25 and m1 < 60 and m2 < 60):
            return []
        specifications.append(
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": [f"https://schema.org/{day}" for day in days],
                "opens": f"{h1:02d}:{m1:02d}",
                "closes": f"{h2:02d}:{m2:02d}",
            }
        )
    return specifications


def organisation_json_ld(organisation: Organisation, *, url: str) -> dict:
    """The Organization at `url` (absolute), with only what the listing says."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Organization",
        "@id": url,
        "name": organisation.name,
        "url": url,
    }
    if organisation.description:
        # As readers see it: the sanitised Markdown (no script, no javascript: link) as text.
        text = html.unescape(strip_tags(render_user_markdown(organisation.description)))
        data["description"] = " ".join(text.split())
    if organisation.website:
        data["sameAs"] = [organisation.website]
    if organisation.phone:
        data["telephone"] = organisation.phone
    if organisation.email:
        data["email"] = organisation.email
    if organisation.enterprise_number:
        # The KBO number is the Belgian VAT number's digits too.
        data["vatID"] = f"BE{organisation.enterprise_number}"
    place: dict = {"@type": "Place", "name": organisation.name}
    if organisation.postcode or organisation.street_address or organisation.city:
        address = {"@type": "PostalAddress"}
        if organisation.street_address:
            address["streetAddress"] = organisation.street_address
        if organisation.postcode:
            address["postalCode"] = organisation.postcode
        if organisation.city:
            address["addressLocality"] = organisation.city
        address["addressCountry"] = "NL" if _DUTCH_POSTCODE.match(organisation.postcode) else "BE"
        data["address"] = place["address"] = address
    if organisation.point:
        place["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": round(organisation.point.y, 6),
            "longitude": round(organisation.point.x, 6),
        }
    hours = opening_hours_specification(organisation.opening_hours)
    if hours:
        place["openingHoursSpecification"] = hours
    if len(place) > 2:
        data["location"] = place
    return data
