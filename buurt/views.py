from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from core.text import json_ld

from . import maps, selectors
from .json_ld import organisation_json_ld
from .models import Neighbourhood, Organisation

# The neighbourhood page lists its organisations a page at a time, so that its size does not
# grow with their number; the map shows them all from tiles.
ORGANISATIONS_PER_PAGE = 50


def organisation_detail(request, slug):
    try:
        organisation = selectors.organisation_detail(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    # The admin link for an address that could not be placed; buurt sits below accounts.policy,
    # so Django's own permission decides.
    user = request.user
    return render(
        request,
        "buurt/organisation_detail.html",
        {
            "organisation": organisation,
            "map": maps.organisation_map(organisation),
            "json_ld": json_ld(
                organisation_json_ld(
                    organisation, url=request.build_absolute_uri(organisation.get_absolute_url())
                )
            ),
            "can_change_in_admin": user.is_staff and user.has_perm("buurt.change_organisation"),
        },
    )


def neighbourhood_list(request):
    return render(
        request,
        "buurt/neighbourhood_list.html",
        {"neighbourhoods": selectors.neighbourhoods_with_counts()},
    )


def neighbourhood_detail(request, code):
    try:
        neighbourhood = selectors.neighbourhood_detail(code=code)
    except Neighbourhood.DoesNotExist as exc:
        raise Http404 from exc
    organisations = selectors.neighbourhood_organisations(neighbourhood=neighbourhood)
    page = Paginator(organisations, ORGANISATIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "buurt/neighbourhood_detail.html",
        {
            "neighbourhood": neighbourhood,
            "page": page,
            "map": maps.neighbourhood_map(neighbourhood),
        },
    )
