import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from moderation.models import AuditEntry
from moderation.services import audit_record

from . import exports, maps
from .forms import CoordinationForm
from .models import Snapshot
from .policy import can_see_coordination
from .selectors import coordination_figures


def _allowed(request):
    if not can_see_coordination(request.user):
        raise Http404


@login_required
@require_GET
def page(request):
    _allowed(request)
    form = CoordinationForm(request.GET or None)
    choice = form.choice()
    context = coordination_figures(**choice)
    context.update(form=form, choice=choice, min_cell=5)
    if context["snapshot"] is not None and context["rows"]:
        context["map"], context["legend"] = maps.choropleth(
            context["rows"],
            label=_(
                "Map of the neighbourhoods coloured by the chosen figure; the table below has "
                "the same figures."
            ),
            none_label=_("no figure, or fewer than 5"),
        )
    context["sort_links"] = _sort_links(request, choice)
    return render(request, "regie/page.html", context)


def _sort_links(request, choice) -> dict:
    """Per column: the query string that sorts by it (the other way round when it already does)."""
    links = {}
    for key in ("name", "residents", "reach", "out", "value", "previous", "year"):
        query = request.GET.copy()
        query["sort"] = key
        same = choice["sort"] == key
        query["order"] = (
            ("asc" if choice["descending"] else "desc")
            if same
            else ("asc" if key == "name" else "desc")
        )
        links[key] = {
            "query": query.urlencode(),
            "sorted": ("descending" if choice["descending"] else "ascending") if same else "",
        }
    return links


def _export(request, *, kind: str, content_type: str, body) -> HttpResponse:
    _allowed(request)
    snapshot = Snapshot.objects.first()
    if snapshot is None:
        raise Http404
    response = HttpResponse(body(snapshot), content_type=content_type)
    filename = f"buurtkaart-regie-{snapshot.taken_on.isoformat()}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    audit_record(actor=request.user, action=AuditEntry.Action.EXPORT, target=snapshot, reason=kind)
    return response


@login_required
@require_GET
def export_csv(request):
    return _export(
        request, kind="csv", content_type="text/csv; charset=utf-8", body=exports.snapshot_csv
    )


@login_required
@require_GET
def export_geojson(request):
    return _export(
        request,
        kind="geojson",
        content_type="application/geo+json",
        body=lambda snapshot: json.dumps(exports.snapshot_geojson(snapshot)),
    )


@login_required
@require_GET
def export_gpkg(request):
    return _export(
        request,
        kind="gpkg",
        content_type="application/geopackage+sqlite3",
        body=exports.snapshot_geopackage,
    )
