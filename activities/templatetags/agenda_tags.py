"""{% load agenda_tags %}: an organisation's coming activities on its page (buurt's template;
buurt sits below activities and cannot ask for them itself)."""

from django import template

from activities import selectors

register = template.Library()


@register.inclusion_tag("activities/_organisation_upcoming.html")
def organisation_upcoming(organisation):
    return {
        "organisation": organisation,
        "upcoming": selectors.organisation_upcoming(organisation=organisation),
    }
