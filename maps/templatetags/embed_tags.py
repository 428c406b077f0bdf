"""{% embed_snippet organisation=slug %} or {% embed_snippet neighbourhood=code %}: the
<iframe> code of the embedded map and agenda to copy into another site, with a preview."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

HEIGHT_PX = 480


@register.inclusion_tag("maps/_embed_snippet.html", takes_context=True)
def embed_snippet(context, **scope):
    request = context["request"]
    query = urlencode({name: value for name, value in scope.items() if value})
    items = []
    for name, title, label in (
        ("maps:embed-map", _("Map"), _("The map")),
        ("maps:embed-agenda", _("Agenda"), _("The agenda")),
    ):
        url = request.build_absolute_uri(reverse(name) + (f"?{query}" if query else ""))
        code = format_html(
            '<iframe src="{}" title="{}" width="100%" height="{}" loading="lazy"></iframe>',
            url,
            f"{title} · Buurtkaart",
            HEIGHT_PX,
        )
        items.append({"id": name.split("-")[-1], "label": label, "url": url, "code": code})
    return {"items": items}
