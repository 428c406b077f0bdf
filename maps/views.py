import datetime
from dataclasses import replace
from urllib.parse import urlencode

import segno
from django.core.exceptions import TooManyFieldsSent
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

import spatial
from activities import selectors as activity_selectors
from buurt import maps, selectors
from buurt.search.params import DEFAULT_PAGE_SIZE

from . import rendering
from .search import service
from .search.forms import (
    MAX_VALUES,
    SearchForm,
    SearchParamsError,
    form_choices,
    form_state,
    parse_search,
)
from .templatetags.search_tags import search_query


def city_map(request):
    """The home page: first a search box and what is on this week (free or cheap first),
    then the map and the neighbourhoods. Bounded: at most WEEK_HIGHLIGHTS activities, and
    no organisation in the page (the map asks for tiles)."""
    neighbourhoods = selectors.neighbourhoods_with_cached_counts()
    city = maps.city_map(neighbourhoods)
    today = timezone.localdate()
    return render(
        request,
        "maps/city.html",
        {
            "map": city,
            "neighbourhoods": neighbourhoods,
            "has_approximate": any(n.is_approximate for n in neighbourhoods),
            "city": selectors.main_municipality(neighbourhoods),
            "week": activity_selectors.week_highlights(),
            "week_agenda_url": reverse("activities:agenda")
            + "?"
            + urlencode({"date_from": today, "date_to": today + datetime.timedelta(days=6)}),
        },
    )


# --- search near a place ----------------------------------------------------------------------

# The handout lists the nearest few: a page someone keeps on the fridge, not a directory.
PRINT_LIMIT = 30
# The online page behind the handout's QR code is centred on this grid cell (metres), not on
# the client's address, unless the worker chose to print the address.
QR_CELL_M = 250


def _query(request):
    """The query string, or None when it has more parameters than Django parses."""
    try:
        return request.GET
    except TooManyFieldsSent:
        return None


def _search_context(request):
    """Parse the query, find the place and search. Returns (context, status); the context
    always has what the form needs."""
    query = _query(request)
    context = {
        "state": form_state(query),
        "choices": form_choices(),
        "errors": [],
        "suggestions": [],
        "page": None,
    }
    if query is None:
        context["errors"] = [_("A search has at most %(max)d parameters.") % {"max": MAX_VALUES}]
        return context, 400
    if not any(name in SearchForm.base_fields for name in query):
        return context, 200  # nothing searched yet (or only a tracking parameter)
    try:
        params = parse_search(query, ignore_unknown=True)
        location = service.search_location(params)
    except SearchParamsError as exc:
        context["errors"] = exc.messages
        return context, 400
    except service.LocationError as exc:
        context["errors"] = [exc.message]
        context["address_suggestions"] = exc.suggestions
        return context, 503 if exc.unavailable else 400
    context["params"] = params
    context["location"] = location
    return context, 200


def search(request):
    """What is near this address: the form, the results by distance, and a map."""
    context, status = _search_context(request)
    if "params" in context:
        params, location = context["params"], context["location"]
        page = service.search(params, location=location)
        neighbourhood = service.search_neighbourhood(location.point)
        context.update(
            page=page,
            neighbourhood=neighbourhood,
            map=rendering.search_map(
                location=location,
                radius_m=params.radius_m,
                params=params,
                neighbourhood=neighbourhood,
                search_url=reverse("maps:search") + search_query(params, location=False),
            )
            if page.count
            else None,
        )
    return render(request, "maps/search.html", context, status=status)


def search_print(request):
    """The handout ("buurtwijzer"): the nearest results on one A4 page, numbered like the
    markers of its map, with a QR code to the same search online."""
    context, status = _search_context(request)
    if "params" not in context:
        return render(request, "maps/search.html", context, status=status)
    params = replace(context["params"], page=1, page_size=PRINT_LIMIT)
    location = context["location"]
    page = service.search(params, location=location, suggestions=False)
    online = (
        params
        if params.show_address
        else params.at(spatial.coarsen(location.point, cell_m=QR_CELL_M))
    )
    online_url = request.build_absolute_uri(
        reverse("maps:search") + search_query(replace(online, page_size=DEFAULT_PAGE_SIZE))
    )
    context.update(
        page=page,
        map=rendering.handout_map(
            location=location, results=page.results, show_place=params.show_address
        )
        if page.results
        else None,
        online_url=online_url,
        site_url=request.build_absolute_uri("/").rstrip("/"),
        qr_code=segno.make(online_url, error="m").svg_data_uri(scale=3, border=2),
        printed_on=timezone.localdate(),
    )
    return render(request, "maps/search_print.html", context, status=status)
