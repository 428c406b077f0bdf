"""Network map pages. Only verified workers draw; a saved map is looked up among the
worker's own (networkmap.policy): for anyone else every URL of it is 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.forms import add_model_errors

from . import policy, selectors, services
from .drawing import network_drawing
from .forms import (
    TIE_PREFIX,
    FindForm,
    MissingForm,
    SaveForm,
    TieFormSet,
    tie_data,
    with_row_added,
    with_row_removed,
)
from .models import Missing, NetworkMap


def _not_worker(request):
    return render(request, "networkmap/not_worker.html", status=403)


def _posted_state(request):
    """The map as posted, after the add or remove button it was posted with."""
    data = request.POST
    remove = data.get("remove", "")
    if remove.isdigit():
        data = with_row_removed(data, int(remove))
    elif data.get("action") == "add":
        data = with_row_added(data)
    return data


def _editor(request, *, network_map: NetworkMap | None, start: dict):
    """The drawing form of a new map (network_map None) or of a saved map's next visit.
    Returns (response or None, context): a response when a save succeeded."""
    first_save = network_map is None
    if request.method == "POST":
        data = _posted_state(request)
        saving = request.POST.get("action") == "save"
    else:
        data, saving = start, False
    formset = TieFormSet(data, prefix=TIE_PREFIX)
    missing_form = MissingForm(data)
    # Bound on every post, so that a pseudonym typed before "Add a tie" stays; checked on save.
    save_form = SaveForm(data if request.method == "POST" else None, first_save=first_save)
    formset.is_valid()
    ties = formset.ties()
    missing = missing_form.cleaned_data.get("missing", []) if missing_form.is_valid() else []
    context = {
        "formset": formset,
        "missing_form": missing_form,
        "save_form": save_form,
        "ties": ties,
        "missing_labels": [str(Missing(m).label) for m in missing],
        "find_choices": [(m, Missing(m).label) for m in missing] or list(Missing.choices),
        "find_form": FindForm(),
        "drawing": network_drawing(ties, person=network_map.pseudonym if network_map else ""),
        "posted": request.method == "POST",
        "today": timezone.localdate(),
    }
    if saving and formset.is_valid() and save_form.check(ties):
        try:
            if first_save:
                saved = services.network_map_save(
                    worker=request.user,
                    pseudonym=save_form.cleaned_data["pseudonym"],
                    consent=save_form.cleaned_data["consent"],
                    ties=ties,
                    missing=missing,
                )
                messages.success(request, _("The map is saved. Only you can open it."))
            else:
                services.drawing_add(network_map=network_map, ties=ties, missing=missing)
                saved = network_map
                messages.success(request, _("Today's map is saved next to the earlier ones."))
        except ValidationError as error:
            add_model_errors(save_form, error)
        else:
            return redirect(saved), context
    context["status"] = 400 if saving else 200
    return None, context


@login_required
def draw(request):
    if not policy.can_draw(request.user):
        return _not_worker(request)
    response, context = _editor(request, network_map=None, start=_blank_row())
    if response is not None:
        return response
    return render(request, "networkmap/draw.html", context, status=context["status"])


def _blank_row() -> dict:
    return {f"{TIE_PREFIX}-TOTAL_FORMS": "1", f"{TIE_PREFIX}-INITIAL_FORMS": "0"}


@login_required
def mine(request):
    if not policy.can_draw(request.user):
        return _not_worker(request)
    return render(
        request, "networkmap/mine.html", {"network_maps": selectors.network_maps_of(request.user)}
    )


def _own_map(request, pk) -> NetworkMap:
    return get_object_or_404(policy.network_maps_visible_to(request.user), pk=pk)


def _drawing_chosen(drawings, value, default):
    return next((d for d in drawings if str(d.pk) == value), default)


@login_required
def detail(request, pk):
    network_map = _own_map(request, pk)
    if request.method == "GET":
        services.network_map_visit(network_map=network_map)
    drawings = selectors.drawings_of(network_map)
    latest = drawings[-1] if drawings else None
    start = tie_data(list(latest.ties.all()) if latest else []) | {
        "missing": list(latest.missing) if latest else []
    }
    response, context = _editor(request, network_map=network_map, start=start)
    if response is not None:
        return response
    changes = None
    if len(drawings) >= 2:
        before = _drawing_chosen(drawings, request.GET.get("from", ""), drawings[-2])
        after = _drawing_chosen(drawings, request.GET.get("to", ""), drawings[-1])
        if before.drawn_at > after.drawn_at:
            before, after = after, before
        changes = selectors.changes_between(before, after) if before != after else None
    context.update(
        network_map=network_map,
        drawings=drawings,
        latest=latest,
        changes=changes,
    )
    return render(request, "networkmap/detail.html", context, status=context["status"])


@login_required
@require_POST
def delete(request, pk):
    network_map = _own_map(request, pk)
    services.network_map_delete(network_map=network_map)
    messages.success(request, _("The network map is deleted, with every earlier drawing of it."))
    return redirect("networkmap:mine")


@login_required
def find(request):
    """From a missing thing to the map search near the typed address, already filtered."""
    if not policy.can_draw(request.user):
        return _not_worker(request)
    form = FindForm(request.GET or None)
    if form.is_valid():
        return redirect(
            selectors.search_url(
                address=form.cleaned_data["address"], missing=form.cleaned_data["missing"]
            )
        )
    return render(
        request,
        "networkmap/find.html",
        {"find_form": form, "find_choices": list(Missing.choices)},
        status=400 if form.is_bound else 200,
    )
