"""Pages for joining the map: register an association, place it, claim a listing, confirm
the claim's e-mail address. Thin: the rules are in accounts.joining and accounts.policy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.forms import add_model_errors

from . import joining, policy, services
from .forms import OrganisationClaimForm, OrganisationPlaceForm, OrganisationRegisterForm
from .models import OrganisationClaim


def _interface_language() -> str:
    language = (translation.get_language() or "nl")[:2]
    return language if language in ("nl", "fr", "en") else "nl"


@login_required
@require_http_methods(["GET", "POST"])
def organisation_register(request):
    """ "Zet je vereniging op de kaart". Similar public listings are offered first ("Is this
    yours?", with the claim path); "None of these" sends the same form again to register."""
    if not policy.can_register_organisation(request.user):
        return render(request, "accounts/confirm_email_first.html", status=403)
    form = OrganisationRegisterForm(
        request.POST or None, initial={"content_language": _interface_language()}
    )
    duplicates, own = [], set()
    if request.method == "POST" and form.is_valid():
        organisation = form.save(commit=False)
        duplicates, own = joining.registration_duplicates(
            organisation=organisation, author=request.user
        )
        if not duplicates or form.cleaned_data["not_a_duplicate"]:
            organisation = joining.organisation_register(
                organisation=organisation,
                author=request.user,
                languages=form.cleaned_data["languages"],
                network_models=form.cleaned_data["network_models"],
            )
            messages.success(
                request,
                _("Thank you! Your association is saved. A moderator will look at it soon."),
            )
            return redirect("accounts:organisation-place", slug=organisation.slug)
    return render(
        request,
        "accounts/organisation_register.html",
        {"form": form, "duplicates": duplicates, "own": own},
        status=400 if form.is_bound and not duplicates else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_place(request, slug):
    """Where the listing stands (moderation, placing on the map) and, when the geocoder found
    only the street or nothing, a marker to drag (or coordinates to type, without JavaScript)."""
    organisation = get_object_or_404(policy.organisations_editable_by(request.user), slug=slug)
    form = OrganisationPlaceForm(
        request.POST or None, initial={"point": organisation.point} if organisation.point else None
    )
    if request.method == "POST" and form.is_valid():
        organisation.point = form.cleaned_data["point"]
        services.organisation_edit(organisation=organisation, editor=request.user)
        messages.success(request, _("The point is saved."))
        return redirect("accounts:organisation-place", slug=organisation.slug)
    return render(
        request,
        "accounts/organisation_place.html",
        {
            "organisation": organisation,
            "form": form,
            "needs_a_hand": joining.placing_needs_a_hand(organisation),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_claim(request, slug):
    """ "Is this your association?" for a public listing without members (404 otherwise)."""
    organisation = get_object_or_404(joining.claimable_organisations(), slug=slug)
    context = {"organisation": organisation}
    if not policy.can_claim_organisation(request.user):
        return render(request, "accounts/confirm_email_first.html", status=403)
    existing = joining.open_claim(user=request.user, organisation=organisation)
    if existing:
        return render(request, "accounts/organisation_claim.html", context | {"claim": existing})
    form = OrganisationClaimForm(request.POST or None, organisation=organisation)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            joining.claim_create(
                user=request.user,
                organisation=organisation,
                language=_interface_language(),
                **form.cleaned_data,
            )
        except joining.ClaimRateLimited as exc:
            form.add_error(None, exc)
            response = render(
                request, "accounts/organisation_claim.html", context | {"form": form}, status=429
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
        except joining.ClaimError as exc:
            add_model_errors(form, exc)
        else:
            messages.success(request, _("Thank you! A moderator will look at your claim soon."))
            return redirect("accounts:dashboard")
    if form.is_bound:
        status = 400
    return render(
        request, "accounts/organisation_claim.html", context | {"form": form}, status=status
    )


@login_required
@require_GET
def claim_email(request, pk, token):
    """The link e-mailed to the association's address: needs the token and the claimant's own
    session (see joining.claim_email_confirm)."""
    try:
        claim = joining.claim_email_confirm(claim_id=pk, token=token, user=request.user)
    except OrganisationClaim.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(
        request,
        _("Thank you: %(email)s is confirmed for your claim of %(organisation)s.")
        % {"email": claim.email, "organisation": claim.organisation.name},
    )
    return redirect("accounts:dashboard")
