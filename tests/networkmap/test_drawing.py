"""The drawing's geometry (networkmap.drawing), without a database: ties stay in their sector
and ring however many there are, and the sector names fit in the picture in every language."""

import math

import pytest
from django.utils import translation

from networkmap.drawing import CENTRE, CLOSE_R, FURTHER_R, PERSON_R, VIEW_BOX, network_drawing
from networkmap.models import Ring, Sector, Tie

SECTORS = list(Sector)
# Generous average glyph width of the 23 px bold sector labels (system-ui): 0.62 em.
LABEL_EM = 23 * 0.62


def crowded() -> list[Tie]:
    """Seven ties in every sector and ring: more than a paper ecogram usually holds."""
    return [
        Tie(name=f"N{i}", sector=sector, ring=ring, frequency="weekly", quality="good", gives=[])
        for sector in SECTORS
        for ring in Ring
        for i in range(7)
    ]


def test_every_tie_stays_in_its_sector_and_ring():
    ties = crowded()
    drawing = network_drawing(ties)
    assert len(drawing.ties) == len(ties)
    for placed, tie in zip(drawing.ties, ties, strict=True):
        dx, dy = placed.x - CENTRE, placed.y - CENTRE
        degrees = math.degrees(math.atan2(dx, -dy)) % 360
        index = SECTORS.index(tie.sector)
        assert index * 60 < degrees < (index + 1) * 60
        inner, outer = (PERSON_R, CLOSE_R) if tie.ring == Ring.CLOSE else (CLOSE_R, FURTHER_R)
        assert inner < math.hypot(dx, dy) < outer


def test_no_two_ties_share_a_place():
    drawing = network_drawing(crowded())
    places = [(p.x, p.y) for p in drawing.ties]
    for i, a in enumerate(places):
        for b in places[i + 1 :]:
            assert math.dist(a, b) > 20  # the dots are 17 units in radius: they may touch


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_sector_names_fit_in_the_picture(language):
    left, top, width, height = (float(v) for v in VIEW_BOX.split())
    with translation.override(language):
        drawing = network_drawing([])
    for label in drawing.sector_labels:
        longest = max(len(line) for line in label.lines) * LABEL_EM
        start = {"start": label.x, "middle": label.x - longest / 2, "end": label.x - longest}
        x0 = start[label.anchor]
        assert left <= x0, (language, label.lines)
        assert x0 + longest <= left + width, (language, label.lines)
        assert top + 20 <= label.y
        assert label.y + 25 * (len(label.lines) - 1) <= top + height
        # Outside the outer ring: the label never covers a tie.
        assert math.hypot(label.x - CENTRE, label.y - CENTRE) > FURTHER_R


def test_an_empty_map_says_so():
    assert network_drawing([]).summary == "No ties drawn yet."
