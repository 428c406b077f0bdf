"""User text for pages: sanitised Markdown, JSON that is safe inside a <script> element, and
CSV cells a spreadsheet does not run.

People write descriptions and posts; the page must never carry their HTML. Markdown is parsed
with its raw-HTML rules switched off (so `<b>` stays the text "<b>"), and the result is then
sanitised by nh3 against a short allow-list, which also drops javascript:/data: links and any
image. Links open nothing on our behalf: rel="nofollow noopener ugc".
"""

from __future__ import annotations

import json
from typing import Any

import markdown
import nh3
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "hr",
    "a",
    "h3",
    "h4",
    "h5",
    "h6",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
LINK_REL = "nofollow noopener ugc"
# The page's own headings are h1 and h2: a "# title" in user text becomes an h3.
HEADING_BASE_LEVEL = 3

# Characters that could end a <script> element or start an HTML comment or entity in it.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _markdown_without_html() -> markdown.Markdown:
    md = markdown.Markdown(
        extensions=["sane_lists", "nl2br", "toc"],
        extension_configs={"toc": {"baselevel": HEADING_BASE_LEVEL}},
        output_format="html",
    )
    # Raw HTML blocks and inline tags become escaped text instead of passing through.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_user_markdown(text: str | None) -> SafeString:
    """Markdown written by a user as sanitised HTML; safe to put into any page."""
    if not text:
        return mark_safe("")
    html = _markdown_without_html().convert(str(text))
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above


def json_for_script(data: Any) -> str:
    """JSON whose text cannot close or confuse the <script> element it is written into."""
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_SCRIPT_ESCAPES)


# What makes a spreadsheet read a CSV cell as a formula (OWASP "CSV injection"): also a tab or
# a carriage return before one, which some programs skip.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> Any:
    """A value for a CSV export: text that a spreadsheet would run as a formula gets a leading
    apostrophe ("'=HYPERLINK(...)" shows as text); numbers and everything else stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return f"'{value}"
    return value


def json_ld(data: dict) -> SafeString:
    """A <script type="application/ld+json"> element: structured data for search engines.

    A data block, not a script: browsers do not run it, so it needs no CSP nonce."""
    return format_html(
        '<script type="application/ld+json">{}</script>', mark_safe(json_for_script(data))
    )
