"""The network map as a picture: where each tie goes in the SVG drawn on the server.

Pure geometry on plain values (no database, no request): the person in the middle, two rings
(close, further away) and six sectors clockwise from the top. A tie is a dot in its sector and
ring, joined to the middle by a line whose thickness says how often they see each other and
whose dash says whether the contact is good for the person, so that the print in black and
white says the same as the colours on screen. Units are SVG user units in a square viewBox.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Frequency, Gives, Quality, Ring, Sector

SIZE = 1000  # the drawing is laid out in a SIZE × SIZE square
CENTRE = SIZE / 2
# What is shown of it: the full width (the side labels), and from just above the top labels to
# just below the bottom ones, so that a phone's width is not spent on empty margins.
VIEW_BOX = "0 130 1000 750"
PERSON_R = 55
CLOSE_R = 200  # outer edge of the close ring
FURTHER_R = 330  # outer edge of the further ring
LABEL_R = 348
SECTORS = tuple(Sector)
SECTOR_DEGREES = 360 / len(SECTORS)
# Line width by how often; dash pattern by quality ("" is solid).
STROKE = {Frequency.DAILY: 7, Frequency.WEEKLY: 4.5, Frequency.MONTHLY: 2.5, Frequency.RARELY: 1.2}
DASH = {Quality.GOOD: "", Quality.MIXED: "14 8", Quality.HARD: "3 7"}


@dataclass(frozen=True)
class Spoke:
    """A sector border, from the person's circle to the outer ring."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Label:
    x: float
    y: float
    lines: tuple[str, ...]
    anchor: str  # start, middle or end


@dataclass(frozen=True)
class PlacedTie:
    number: int  # 1-based, as in the table of ties
    name: str
    x: float
    y: float
    stroke_width: float
    dash: str
    quality: str
    number_y: float
    label_y: float
    description: str  # the tie in words: its <title>


@dataclass(frozen=True)
class Drawing:
    view_box: str
    size: int
    centre: float
    person_r: int
    person_label_y: float
    close_r: int
    further_r: int
    spokes: tuple[Spoke, ...]
    sector_labels: tuple[Label, ...]
    ties: tuple[PlacedTie, ...]
    summary: str  # for <desc>


def _point(radius: float, degrees: float) -> tuple[float, float]:
    """Clockwise from the top (0°), as on a clock face."""
    radians = math.radians(degrees - 90)
    return round(CENTRE + radius * math.cos(radians), 1), round(
        CENTRE + radius * math.sin(radians), 1
    )


def _wrap(text: str, width: int = 13) -> tuple[str, ...]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return tuple(lines)


def describe(tie) -> str:
    """One tie in words: "Anna: Friends, close, every week, good for the person. Gives:
    company, advice." The drawing's <title> and the printed table say the same."""
    gives = [str(Gives(code).label).lower() for code in tie.gives if code in Gives.values]
    text = _("%(name)s: %(sector)s, %(ring)s, %(frequency)s, %(quality)s.") % {
        "name": tie.name,
        "sector": Sector(tie.sector).label,
        "ring": str(Ring(tie.ring).label).lower(),
        "frequency": str(Frequency(tie.frequency).label).lower(),
        "quality": str(Quality(tie.quality).label).lower(),
    }
    if gives:
        text += " " + _("Gives: %(gives)s.") % {"gives": ", ".join(gives)}
    return text


def _place_cell(ties: Sequence, sector_index: int, ring: str) -> list[tuple[float, float]]:
    """Spread the ties of one sector and ring over its arc; more than four go in two rows."""
    inner, outer = (PERSON_R, CLOSE_R) if ring == Ring.CLOSE else (CLOSE_R, FURTHER_R)
    start = sector_index * SECTOR_DEGREES
    count = len(ties)
    rows = 1 if count <= 4 else 2
    per_row = math.ceil(count / rows)
    positions = []
    for i in range(count):
        row, column = divmod(i, per_row)
        in_row = min(per_row, count - row * per_row)
        radius = inner + (outer - inner) * ((row + 1) / (rows + 1))
        if ring == Ring.CLOSE and rows == 1:
            radius = inner + (outer - inner) * 0.6  # away from the crowded middle
        degrees = start + SECTOR_DEGREES * (column + 1) / (in_row + 1)
        positions.append(_point(radius, degrees))
    return positions


def network_drawing(ties: Iterable, *, person: str = "") -> Drawing:
    """The drawing of these ties (objects with name, sector, ring, frequency, quality and
    gives: networkmap.models.Tie, saved or not)."""
    ties = list(ties)
    numbers = {id(tie): n for n, tie in enumerate(ties, start=1)}
    placed: list[PlacedTie] = []
    for index, sector in enumerate(SECTORS):
        for ring in Ring:
            cell = [t for t in ties if t.sector == sector and t.ring == ring]
            for tie, (x, y) in zip(cell, _place_cell(cell, index, ring), strict=True):
                placed.append(
                    PlacedTie(
                        number=numbers[id(tie)],
                        name=tie.name,
                        x=x,
                        y=y,
                        stroke_width=STROKE.get(tie.frequency, 2),
                        dash=DASH.get(tie.quality, ""),
                        quality=tie.quality,
                        number_y=round(y + 6, 1),
                        label_y=round(y + 40, 1),
                        description=describe(tie),
                    )
                )
    placed.sort(key=lambda p: p.number)
    spokes = []
    for index in range(len(SECTORS)):
        x1, y1 = _point(PERSON_R, index * SECTOR_DEGREES)
        x2, y2 = _point(FURTHER_R, index * SECTOR_DEGREES)
        spokes.append(Spoke(x1, y1, x2, y2))
    labels = []
    for index, sector in enumerate(SECTORS):
        degrees = (index + 0.5) * SECTOR_DEGREES
        x, y = _point(LABEL_R, degrees)
        side = math.sin(math.radians(degrees))
        anchor = "middle" if abs(side) < 0.3 else ("start" if side > 0 else "end")
        lines = _wrap(str(sector.label))
        vertical = math.cos(math.radians(degrees))
        if vertical < -0.3:
            y += 18  # below the ring: the first line's baseline clears it
        elif vertical > 0.3:
            y -= 25 * (len(lines) - 1)  # above it: the last line ends at the ring
        else:
            y += 7 - 12 * (len(lines) - 1)  # beside it: centred
        labels.append(Label(x, y, lines, anchor))
    return Drawing(
        view_box=VIEW_BOX,
        size=SIZE,
        centre=CENTRE,
        person_r=PERSON_R,
        person_label_y=CENTRE + 6,
        close_r=CLOSE_R,
        further_r=FURTHER_R,
        spokes=tuple(spokes),
        sector_labels=tuple(labels),
        ties=tuple(placed),
        summary=summary(ties, person=person),
    )


def summary(ties: Sequence, *, person: str = "") -> str:
    """The drawing in one sentence, for <desc> and for the comparison of two dates."""
    if not ties:
        return _("No ties drawn yet.")
    close = sum(1 for t in ties if t.ring == Ring.CLOSE)
    good = sum(1 for t in ties if t.quality == Quality.GOOD)
    hard = sum(1 for t in ties if t.quality == Quality.HARD)
    return _(
        "%(person)s has %(count)d ties: %(close)d close and %(further)d further away; "
        "%(good)d good for them, %(hard)d that make things harder."
    ) % {
        "person": person or _("The person"),
        "count": len(ties),
        "close": close,
        "further": len(ties) - close,
        "good": good,
        "hard": hard,
    }
