"""The map and the agenda as compact pages for another site's <iframe>.

Same parameters as the map search (/zoeken/: an address or lat/lon, a radius, kinds,
categories, filters) and the agenda (/agenda/: dates, categories, neighbourhood, filters),
plus an organisation (slug) and a neighbourhood (code). What an embed promises:
- it may be framed: CSP frame-ancestors from EMBED_FRAME_ANCESTORS (default any site), and no
  X-Frame-Options; every other page keeps DENY;
- no cookies: no session, no CSRF token, no language cookie (the language comes from ?lang=
  or the visitor's Accept-Language); a cookie set on the view's response is dropped;
- no third-party requests but the tile server (the vendored Leaflet of spatial.leaflet);
- links open the full page in a new tab (target=_blank rel=noopener).
"""

from __future__ import annotations

import functools
from dataclasses import replace

from django import forms
from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities import selectors as activity_selectors
from activities.forms import AgendaFilterForm
from buurt import maps as buurt_maps
from buurt import selectors as buurt_selectors
from buurt.models import Neighbourhood, Organisation

from . import rendering
from .search import service
from .search.forms import SearchParamsError, parse_search
from .templatetags.search_tags import search_query

AGENDA_PAGE_SIZE = 10
EMBED_PAGE_SIZE = 10
# The organisations an embedded city or neighbourhood map lists under it.
EMBED_LIST_SIZE = 50
# What the search reads to find a place: any of these makes the embed a search.
PLACE_PARAMETERS = ("address", "lat", "lon")


def embeddable(view):
    """Framing allowed (EMBED_FRAME_ANCESTORS), the visitor's language, no cookie."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        language = (request.GET.get("lang") or "")[:8]
        if language not in dict(settings.LANGUAGES):
            language = translation.get_language_from_request(request)
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = view(request, *args, **kwargs)
        response._csp_replace = {"frame-ancestors": list(settings.EMBED_FRAME_ANCESTORS)}
        response.xframe_options_exempt = True
        response["Content-Language"] = language
        # Django's middleware add a cookie only after a session or a CSRF token was used, and
        # an embed uses neither (its templates have no form that posts, nor the user).
        response.cookies.clear()
        return response

    return wrapped


def _query(request):
    try:
        return request.GET
    except TooManyFieldsSent:
        return None


def _full_url(request, path: str) -> str:
    return request.build_absolute_uri(path)


class EmbedForm(forms.Form):
    """The two parameters the embeds add to the search's and the agenda's own."""

    organisation = forms.SlugField(label=gettext_lazy("Organisation"), required=False)
    neighbourhood = forms.CharField(label=gettext_lazy("Neighbourhood"), required=False)


def _scope(query) -> tuple[Organisation | None, Neighbourhood | None, list[str]]:
    """The organisation and the neighbourhood asked for (public ones only), and errors."""
    form = EmbedForm(query)
    if not form.is_valid():
        return None, None, [_("This organisation or neighbourhood is not known.")]
    organisation = neighbourhood = None
    errors = []
    if form.cleaned_data["organisation"]:
        organisation = (
            Organisation.objects.public().filter(slug=form.cleaned_data["organisation"]).first()
        )
        if organisation is None:
            errors.append(_("This organisation is not on the map."))
    if form.cleaned_data["neighbourhood"]:
        neighbourhood = Neighbourhood.objects.filter(
            code=form.cleaned_data["neighbourhood"][:50]
        ).first()
        if neighbourhood is None:
            errors.append(_("This neighbourhood is not known."))
    return organisation, neighbourhood, errors


def _searches(query) -> bool:
    return any(query.get(name) for name in PLACE_PARAMETERS)


# --- the map --------------------------------------------------------------------------------


@embeddable
def embed_map(request):
    query = _query(request)
    context: dict = {"errors": [], "results": [], "map": None, "title": _("Map")}
    if query is None:
        context["errors"] = [_("Too many parameters.")]
        return render(request, "maps/embed_map.html", context, status=400)
    organisation, neighbourhood, errors = _scope(query)
    categories = query.getlist("category")
    if errors:
        context["errors"] = errors
        return render(request, "maps/embed_map.html", context, status=400)
    if _searches(query):
        status = _map_search(request, query, context)
    elif organisation is not None:
        context.update(
            title=organisation.name,
            map=buurt_maps.organisation_map(organisation),
            results=[_organisation_row(request, organisation)],
            full_url=_full_url(request, organisation.get_absolute_url()),
        )
        status = 200
    else:
        organisations = buurt_selectors.organisations_on_map().order_by("name")
        if neighbourhood is not None:
            organisations = buurt_selectors.neighbourhood_organisations(neighbourhood=neighbourhood)
        kinds = [c for c in categories if c in Organisation.Kind.values]
        if kinds:
            organisations = organisations.filter(kind__in=kinds)
        # The map shows every one from tiles; the list only the first (a slice in the query).
        filters = [("category", kind) for kind in kinds]
        organisations = organisations.filter(point__isnull=False)[:EMBED_LIST_SIZE]
        if neighbourhood is not None:
            context.update(
                title=neighbourhood.name,
                map=buurt_maps.neighbourhood_map(neighbourhood, filters=filters),
                full_url=_full_url(request, neighbourhood.get_absolute_url()),
            )
        else:
            context.update(
                title=_("Map"),
                map=buurt_maps.city_map(
                    buurt_selectors.neighbourhoods_with_cached_counts(), filters=filters
                ),
                full_url=_full_url(request, reverse("maps:city")),
            )
        context["results"] = [_organisation_row(request, o) for o in organisations]
        status = 200
    return render(request, "maps/embed_map.html", context, status=status)


def _organisation_row(request, organisation: Organisation) -> dict:
    return {
        "title": organisation.name,
        "url": _full_url(request, organisation.get_absolute_url()),
        "detail": organisation.get_kind_display(),
        "address": organisation.address,
    }


def _map_search(request, query, context: dict) -> int:
    try:
        params = parse_search(query, ignore_unknown=True)
        location = service.search_location(params)
    except SearchParamsError as exc:
        context["errors"] = exc.messages
        return 400
    except service.LocationError as exc:
        context["errors"] = [exc.message]
        return 503 if exc.unavailable else 400
    params = replace(params, page_size=EMBED_PAGE_SIZE)
    page = service.search(params, location=location, suggestions=False)
    context.update(
        title=_("Near %(place)s") % {"place": location.label},
        full_url=_full_url(request, reverse("maps:search") + search_query(params)),
        results=[
            {
                "title": r.title,
                "url": _full_url(request, r.url),
                "detail": f"{r.category_label} · {r.distance_text}",
                "address": r.address,
            }
            for r in page.results
        ],
        map=rendering.search_map(
            location=location,
            radius_m=params.radius_m,
            params=params,
            neighbourhood=service.search_neighbourhood(location.point),
            search_url="",  # no "search from here": the full page does that
        )
        if page.count
        else None,
        count=page.count,
    )
    return 200


# --- the agenda -----------------------------------------------------------------------------


@embeddable
def embed_agenda(request):
    query = _query(request)
    context: dict = {"errors": [], "page": None, "title": _("Agenda")}
    if query is None:
        context["errors"] = [_("Too many parameters.")]
        return render(request, "maps/embed_agenda.html", context, status=400)
    organisation, neighbourhood, errors = _scope(query)
    form = AgendaFilterForm(query)
    if not form.is_valid():
        errors += [e for field_errors in form.errors.values() for e in field_errors]
    point, radius_m, title = None, 0, _("Agenda")
    if not errors and _searches(query):
        try:
            params = parse_search(query, ignore_unknown=True)
            location = service.search_location(params)
        except SearchParamsError as exc:
            errors += exc.messages
        except service.LocationError as exc:
            errors.append(exc.message)
        else:
            point, radius_m = location.point, params.radius_m
            title = _("Agenda near %(place)s") % {"place": location.label}
    if errors:
        context["errors"] = errors
        return render(request, "maps/embed_agenda.html", context, status=400)
    filters = replace(
        form.to_filter(today=timezone.localdate()),
        organisation=organisation.slug if organisation else "",
        point=point,
        radius_m=radius_m,
    )
    if neighbourhood is not None:
        filters = replace(filters, neighbourhood=neighbourhood.code)
        title = _("Agenda of %(name)s") % {"name": neighbourhood.name}
    if organisation is not None:
        title = _("Agenda of %(name)s") % {"name": organisation.name}
    paginator = Paginator(activity_selectors.agenda_occurrences(filters), AGENDA_PAGE_SIZE)
    page = paginator.get_page(query.get("page"))
    rest = query.copy()
    rest.pop("page", None)
    full = reverse("activities:agenda")
    if organisation is not None:
        full = organisation.get_absolute_url()
    context.update(
        title=title,
        page=page,
        days=activity_selectors.by_day(page.object_list),
        query=rest.urlencode(),
        full_url=_full_url(
            request, full + (f"?{rest.urlencode()}" if organisation is None else "")
        ),
        base_url=request.build_absolute_uri("/").rstrip("/"),
    )
    return render(request, "maps/embed_agenda.html", context)
