from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts import policy
from accounts import services as accounts_services
from maps import rendering

from . import selectors
from .forms import OrganisationEditForm
from .models import Neighbourhood, Organisation


def organisation_detail(request, slug):
    try:
        organisation = selectors.organisation_detail(slug=slug)
    except Organisation.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "buurt/organisation_detail.html",
        {"organisation": organisation, "map": rendering.organisation_map(organisation)},
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
    return render(
        request,
        "buurt/neighbourhood_detail.html",
        {
            "neighbourhood": neighbourhood,
            "organisations": organisations,
            "map": rendering.neighbourhood_map(neighbourhood, organisations),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, slug):
    """The organisation's members (and moderators) keep its profile; others get a 404."""
    organisation = get_object_or_404(policy.organisations_editable_by(request.user), slug=slug)
    form = OrganisationEditForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        accounts_services.organisation_edit(
            organisation=form.save(commit=False),
            editor=request.user,
            languages=form.cleaned_data["languages"],
            network_models=form.cleaned_data["network_models"],
        )
        messages.success(request, _("The changes were saved."))
        return redirect("buurt:organisation-edit", slug=organisation.slug)
    return render(
        request,
        "buurt/organisation_edit.html",
        {"organisation": organisation, "form": form},
        status=400 if form.is_bound else 200,
    )
