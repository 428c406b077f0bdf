"""Every interface string in our templates goes through {% translate %} or
{% blocktranslate %}: text left between the tags, or in an attribute people read (alt, title,
aria-label, placeholder), would stay English (or Dutch) for every reader."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
OUR_TEMPLATES = sorted(
    path
    for folder in ("templates", "*/templates")
    for pattern in (f"{folder}/**/*.html", f"{folder}/**/*.txt")
    for path in ROOT.glob(pattern)
    if not path.is_relative_to(ROOT / ".venv")
    and not path.is_relative_to(ROOT / "node_modules")
    # Third-party pages we only restyle (drf-spectacular's Swagger UI) speak English anyway.
    and "drf_spectacular" not in path.parts
)

COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
BLOCK_TRANSLATE = re.compile(r"{%\s*blocktrans(?:late)?\b.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
TEMPLATE_CODE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
NOT_TEXT = re.compile(r"<(script|style)\b.*?</\1>|<!--.*?-->", re.S | re.I)
TAG = re.compile(r"<[^>]*>", re.S)
READ_ATTRIBUTE = re.compile(r"""\b(alt|title|aria-label|placeholder)\s*=\s*(["'])(.*?)\2""", re.S)
ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
WORD = re.compile(r"[^\W\d_]{2,}")


def hard_coded_text(source: str) -> list[str]:
    source = BLOCK_TRANSLATE.sub(" ", COMMENT.sub(" ", source))
    attributes = [value for _, _, value in READ_ATTRIBUTE.findall(source)]
    source = TAG.sub(" ", NOT_TEXT.sub(" ", source))
    found = []
    for text in [source, *attributes]:
        text = ENTITY.sub(" ", TEMPLATE_CODE.sub(" ", text))
        found += WORD.findall(text)
    return found


def test_the_checker_finds_hard_coded_text():
    source = (
        '{% load i18n %}<p title="Opening hours">{% translate "Map" %} Welcome</p>'
        "<img alt=\"{% translate 'Logo' %}\"> {{ name }} {# a note #}"
        "{% blocktranslate %}Hello {{ name }}{% endblocktranslate %}&copy;"
    )

    assert hard_coded_text(source) == ["Welcome", "Opening", "hours"]


@pytest.mark.parametrize("template", OUR_TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_template_has_no_hard_coded_interface_text(template):
    assert hard_coded_text(template.read_text(encoding="utf-8")) == []
