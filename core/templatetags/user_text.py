"""{% load user_text %}: `{{ text|markdown }}` for user text, `{{ data|json_ld }}` for JSON-LD."""

from django import template

from core import text

register = template.Library()


@register.filter
def markdown(value):
    """Sanitised Markdown (see core.text.render_user_markdown); never raw HTML."""
    return text.render_user_markdown(value)


@register.filter
def json_ld(value):
    """A <script type="application/ld+json"> element whose content cannot break out of it."""
    return text.json_ld(value)
