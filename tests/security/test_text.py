"""User text: sanitised Markdown and JSON-LD never carry markup or scripts of their own."""

import json
from html.parser import HTMLParser

import pytest
from django.template import Context, Template

from core.text import csv_cell, json_for_script, json_ld, render_user_markdown
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    """The elements and attributes a browser would build from the HTML (not its text)."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: dict[str, str | None] = {}
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.update(attrs)


XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](  javascript:alert(1))",
    "[click](java\nscript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](https://evil.example/tracker.png)",
    '![x](x" onerror="alert(1))',
    "[<img src=x onerror=alert(1)>](https://example.org)",
    '[x](https://example.org "title\\" onmouseover=\\"alert(1))',
    "**<b onclick=alert(1)>bold</b>**",
    "`<script>alert(1)</script>`",
    "<!-- <script>alert(1)</script> -->",
    "<<script>script>alert(1)<</script>/script>",
    "<p>\n\n<script>alert(1)</script>\n\n</p>",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]
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


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_markdown_never_lets_markup_or_scripts_through(payload):
    html = render_user_markdown(payload)

    elements = Elements(html)
    assert elements.tags <= ALLOWED_TAGS
    assert set(elements.attributes) <= {"href", "title", "rel"}
    href = elements.attributes.get("href")
    assert href is None or href.startswith(("https://", "http://")), href
    for dangerous in ("<script", "<img", "<svg", "<iframe", "<style", "<math"):
        assert dangerous not in html.lower()


def test_raw_html_is_shown_as_text_not_dropped():
    assert render_user_markdown("Use <b> for bold") == "<p>Use &lt;b&gt; for bold</p>"


def test_markdown_formats_and_links_get_nofollow_noopener_ugc():
    html = render_user_markdown(
        "# Welkom\n\nWe zingen **elke dinsdag**.\nKoffie staat klaar.\n\n"
        "- [website](https://example.org/koor)\n- <https://example.org/agenda>\n"
    )

    assert "<h3>Welkom</h3>" in html  # below the page's own h1 and h2
    assert "<strong>elke dinsdag</strong>.<br>" in html  # a single newline is kept
    assert '<a href="https://example.org/koor" rel="nofollow noopener ugc">website</a>' in html
    assert html.count('rel="nofollow noopener ugc"') == 2


def test_images_are_dropped_even_from_https():
    assert "img" not in render_user_markdown("![logo](https://example.org/logo.png)")


def test_empty_text_renders_nothing():
    assert render_user_markdown("") == ""
    assert render_user_markdown(None) == ""


def test_markdown_filter_in_a_template():
    template = Template("{% load user_text %}{{ text|markdown }}")
    html = template.render(Context({"text": "*hallo* <script>alert(1)</script>"}))

    assert html == "<p><em>hallo</em> &lt;script&gt;alert(1)&lt;/script&gt;</p>"


def test_organisation_page_renders_the_description_as_sanitised_markdown(client):
    organisation = OrganisationFactory(
        description="Wij spelen **toneel**.\n\n<script>alert(1)</script>\n\n"
        "[x](javascript:alert(1))"
    )

    html = client.get(organisation.get_absolute_url()).content.decode()

    assert "<strong>toneel</strong>" in html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "javascript:alert" not in html


def test_json_for_script_cannot_close_the_script_element():
    data = {"name": "</script><script>alert(1)</script>", "note": "<!-- & -->"}

    text = json_for_script(data)

    for character in "<>&":
        assert character not in text
    assert json.loads(text) == data


def test_json_ld_is_a_data_block_with_escaped_content():
    html = json_ld({"@type": "Organization", "name": "</script><img src=x onerror=alert(1)>"})

    assert html.startswith('<script type="application/ld+json">{')
    assert html.endswith("}</script>")
    assert html.count("</script>") == 1
    assert "<img" not in html
    inner = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(inner)["name"] == "</script><img src=x onerror=alert(1)>"


def test_json_ld_filter_in_a_template():
    template = Template("{% load user_text %}{{ data|json_ld }}")
    html = template.render(Context({"data": {"name": "<b>x</b>"}}))

    assert html == (
        '<script type="application/ld+json">{"name": "\\u003Cb\\u003Ex\\u003C/b\\u003E"}</script>'
    )


@pytest.mark.parametrize(
    "text", ["=1+1", "+31 6 12345678", "-2+3", "@SUM(A1)", '\t=HYPERLINK("x")', "\r=1"]
)
def test_csv_cells_a_spreadsheet_would_run_are_text(text):
    assert csv_cell(text) == f"'{text}"


def test_csv_cells_that_are_plain_text_or_numbers_stay():
    assert [csv_cell(v) for v in ("Jan", "", "9000 Gent", -3, 0.5, None)] == [
        "Jan",
        "",
        "9000 Gent",
        -3,
        0.5,
        None,
    ]
