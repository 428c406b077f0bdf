"""{% map_scripts map %}: a RenderedMap's scripts (spatial.leaflet), the inline one with the
request's CSP nonce."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def map_scripts(context, rendered_map):
    request = context.get("request")
    return rendered_map.script_tags(str(getattr(request, "csp_nonce", "")))
