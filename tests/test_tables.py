"""Every table follows the one phone pattern (static/css/buurtkaart.css): class "cards" on the
table and a data-label naming the column on each data cell, so that under 40em each row becomes
a card whose cells say what they are. The browser sweep (tests/e2e/test_pages.py) checks the
widths; this finds a table that a page without data would not show."""

import re
from pathlib import Path

from django.conf import settings

TABLE = re.compile(r"<table\b([^>]*)>(.*?)</table>", re.S)
DATA_CELL = re.compile(r"<td\b([^>]*)>")


def test_every_table_is_made_of_cards_on_a_phone():
    unlabelled = []
    for path in sorted(Path(settings.BASE_DIR, "templates").rglob("*.html")):
        for attributes, body in TABLE.findall(path.read_text(encoding="utf-8")):
            if "cards" not in attributes:
                unlabelled.append(f"{path.name}: a table without class cards")
            body = body.split("</thead>", 1)[-1]
            for cell in DATA_CELL.findall(body):
                if "data-label" not in cell and "colspan" not in cell:
                    unlabelled.append(f"{path.name}: a cell without data-label")
    assert unlabelled == []
