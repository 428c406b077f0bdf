from urllib.parse import urlencode

from django import template
from django.urls import reverse

from referrals import policy

register = template.Library()


@register.filter
def can_refer(user) -> bool:
    """{% if user|can_refer %}: show "Connect someone" links to verified workers only."""
    return policy.can_refer(user)


# Search result kinds a referral can start from, and the parameter that names the item.
_START_PARAMETER = {
    "organisations": "organisation_id",
    "activities": "activity",
    "help_offers": "offer",
}


@register.filter
def referral_start_url(result) -> str:
    """The "Connect someone" link of a search result (buurt.search.registry.SearchResult)."""
    parameter = _START_PARAMETER.get(result.kind)
    if parameter is None:
        return ""
    return f"{reverse('referrals:create')}?{urlencode({parameter: result.id})}"
