from django import template
from django.urls import reverse

from core import moderation
from moderation import selectors

register = template.Library()


@register.inclusion_tag("moderation/_report_link.html", takes_context=True)
def report_link(context, obj):
    """ "Report this" under a public item of any registered model:

    {% load moderation %}{% report_link organisation %}
    """
    if not moderation.is_registered(obj):
        return {"url": ""}
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "url": reverse("moderation:report", args=[moderation.get(obj).key, obj.pk]),
        "reported": user is not None and selectors.report_exists(reporter=user, target=obj),
    }
