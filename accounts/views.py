"""Account pages: my account, worker requests, members and invitations, personal data.

Thin: objects come from querysets of accounts.policy (404 when not allowed), writes go
through accounts.services, rule violations come back as messages.
"""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from buurt.forms import OrganisationEditForm
from core.ratelimit import rate_limit

from . import joining, listing_reviews, policy, selectors, services
from .address_links import LinkExpired
from .forms import (
    AccountDeleteForm,
    InvitationForm,
    LeaveForm,
    MembershipRoleForm,
    WorkerRequestForm,
)
from .models import Invitation, Membership, WorkerProfile


def _error_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --- My account -------------------------------------------------------------------------------


@login_required
def dashboard(request):
    user = request.user
    memberships = list(selectors.memberships_of(user=user))
    # Where the "Members" link shows, decided by the policy in one query.
    managed = policy.organisations_managed_by(user).filter(
        pk__in=[membership.organisation_id for membership in memberships]
    )
    return render(
        request,
        "accounts/dashboard.html",
        {
            "memberships": memberships,
            "manages_members_of": set(managed.values_list("pk", flat=True)),
            "invitations": selectors.invitations_for(user=user),
            "worker_profile": selectors.worker_profile_of(user=user),
            "claims": joining.claims_of(user=user),
            "is_moderator": policy.is_moderator(user),
            "is_coordinator": policy.is_coordinator(user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def worker_request(request):
    profile = selectors.worker_profile_of(user=request.user)
    initial = {}
    if profile:
        initial = {
            field: getattr(profile, field)
            for field in ("profession", "employer", "employer_name", "work_email", "phone")
        }
    form = WorkerRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.worker_request(
            user=request.user, language=translation.get_language(), **form.cleaned_data
        )
        messages.success(
            request,
            _(
                "Thank you. Open the link we sent to your work e-mail address; a moderator "
                "will then verify your request."
            ),
        )
        return redirect("accounts:dashboard")
    return render(request, "accounts/worker_request.html", {"form": form, "profile": profile})


@login_required
@require_GET
def worker_email(request, pk, token):
    """The link e-mailed to the work address: needs the token and the worker's own session."""
    try:
        profile = services.worker_email_confirm(profile_id=pk, token=token, user=request.user)
    except WorkerProfile.DoesNotExist as exc:
        raise Http404 from exc
    except LinkExpired:
        messages.error(
            request,
            _(
                "This link to confirm your work e-mail address has expired. Ask for a new "
                "link under “Professional worker”."
            ),
        )
        return redirect("accounts:dashboard")
    messages.success(
        request,
        _("Thank you: %(email)s is confirmed as your work e-mail address.")
        % {"email": profile.work_email},
    )
    return redirect("accounts:dashboard")


@login_required
@require_POST
@rate_limit("worker-email-resend", limit=3, period=3600)
def worker_email_resend(request):
    """A new link to confirm the work address, e-mailed to it (the old one stops working)."""
    profile = services.worker_email_resend(user=request.user, language=translation.get_language())
    if profile is None:
        raise Http404
    messages.success(
        request,
        _("We sent a new link to %(email)s. It works for %(days)d days.")
        % {"email": profile.work_email, "days": settings.WORK_EMAIL_LINK_VALID_DAYS},
    )
    return redirect("accounts:dashboard")


# --- Moderators: worker verification -----------------------------------------------------------


@login_required
def worker_queue(request):
    if not policy.can_verify_workers(request.user):
        raise Http404
    reviewable = policy.worker_profiles_reviewable_by(request.user)
    return render(
        request,
        "accounts/worker_queue.html",
        {"profiles": selectors.worker_profiles_pending(queryset=reviewable)},
    )


@login_required
@require_POST
def worker_decide(request, pk):
    profile = get_object_or_404(policy.worker_profiles_reviewable_by(request.user), pk=pk)
    if request.POST.get("decision") == "verify":
        services.worker_verify(profile=profile, moderator=request.user)
        messages.success(request, _("%(user)s is now a verified worker.") % {"user": profile.user})
    elif request.POST.get("decision") == "reject":
        services.worker_reject(profile=profile, moderator=request.user)
        messages.success(
            request, _("The request of %(user)s was refused.") % {"user": profile.user}
        )
    return redirect("accounts:worker-queue")


# --- Invitations -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invitation_detail(request, token):
    """The link in the invitation e-mail: see it, then accept it (POST).

    410 when used or expired; 403 for an account without the invited address (the token
    holder is told to sign in with the right one)."""
    invitation = get_object_or_404(Invitation.objects.select_related("organisation"), token=token)
    if request.method == "POST":
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except services.InvitationError as error:
            _error_messages(request, error)
        else:
            messages.success(
                request,
                _("You are now a member of %(organisation)s.")
                % {"organisation": membership.organisation},
            )
            return redirect("accounts:dashboard")
    can_accept = invitation.is_pending and policy.can_accept_invitation(request.user, invitation)
    if invitation.is_pending and not can_accept and request.method == "GET":
        messages.error(request, services.wrong_account_message())
    status = 200 if can_accept else (410 if not invitation.is_pending else 403)
    return render(
        request,
        "accounts/invitation_detail.html",
        {"invitation": invitation, "can_accept": can_accept},
        status=status,
    )


# --- Organisation profiles (its members and moderators) ---------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request, slug):
    """The organisation's members (and moderators) keep its profile; others get a 404."""
    organisation = get_object_or_404(policy.organisations_editable_by(request.user), slug=slug)
    form = OrganisationEditForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        services.organisation_edit(
            organisation=form.save(commit=False),
            editor=request.user,
            languages=form.cleaned_data["languages"],
            network_models=form.cleaned_data["network_models"],
        )
        messages.success(request, _("The changes were saved."))
        return redirect("accounts:organisation-edit", slug=organisation.slug)
    return render(
        request,
        "accounts/organisation_edit.html",
        {"organisation": organisation, "form": form},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
def listing_confirm(request, slug):
    """ "Still correct" from the edit page: a member (or a moderator) confirms the listing."""
    organisation = get_object_or_404(policy.organisations_editable_by(request.user), slug=slug)
    listing_reviews.listing_confirm(organisation=organisation, user=request.user)
    messages.success(request, _("Thank you: the listing is marked as checked today."))
    return redirect("accounts:organisation-edit", slug=organisation.slug)


@login_required
def listing_confirm_link(request, slug, token):
    """The one-click "still correct" from the review e-mail. It changes something on GET,
    which is safe here: it needs the secret token and a member's own session, so neither a
    link scanner (no session) nor another site (no token) can trigger it, and repeating it
    only confirms again."""
    organisation = get_object_or_404(policy.organisations_editable_by(request.user), slug=slug)
    review = listing_reviews.listing_review_for_link(organisation=organisation, token=token)
    if review is None:
        raise Http404
    if listing_reviews.listing_review_link_expired(review):
        messages.warning(
            request,
            _(
                "This link was for an earlier review of the listing and no longer works. If "
                "the listing below is still correct, press “Everything is still correct”."
            ),
        )
        return redirect("accounts:organisation-edit", slug=organisation.slug)
    listing_reviews.listing_confirm(organisation=organisation, user=request.user)
    messages.success(request, _("Thank you: the listing is marked as checked today."))
    return redirect("accounts:organisation-edit", slug=organisation.slug)


# --- Organisation members (its admins and moderators) -------------------------------------------


def _managed_organisation(request, slug):
    return get_object_or_404(policy.organisations_managed_by(request.user), slug=slug)


@login_required
def organisation_members(request, slug):
    organisation = _managed_organisation(request, slug)
    return _render_members(request, organisation, InvitationForm())


def _render_members(request, organisation, invitation_form, status=200):
    return render(
        request,
        "accounts/organisation_members.html",
        {
            "organisation": organisation,
            "memberships": selectors.organisation_members(organisation=organisation),
            "invitations": selectors.organisation_pending_invitations(organisation=organisation),
            "invitation_form": invitation_form,
            "role_choices": Membership.Role.choices,
        },
        status=status,
    )


@login_required
@require_POST
def member_invite(request, slug):
    organisation = _managed_organisation(request, slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_create(
                organisation=organisation, invited_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("accounts:organisation-members", slug=organisation.slug)
    return _render_members(request, organisation, form, status=400)


@login_required
@require_POST
def member_update(request, slug, pk):
    """Change a member's role, or remove them (button "remove")."""
    organisation = _managed_organisation(request, slug)
    membership = get_object_or_404(policy.memberships_managed_by(request.user, organisation), pk=pk)
    try:
        if "remove" in request.POST:
            services.membership_remove(membership=membership, actor=request.user)
            messages.success(request, _("%(user)s was removed.") % {"user": membership.user})
        else:
            form = MembershipRoleForm(request.POST)
            if form.is_valid():
                services.membership_set_role(
                    membership=membership, role=form.cleaned_data["role"], actor=request.user
                )
                messages.success(request, _("The role was changed."))
    except ValidationError as error:
        _error_messages(request, error)
    return redirect("accounts:organisation-members", slug=organisation.slug)


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    organisation = _managed_organisation(request, slug)
    invitation = get_object_or_404(policy.invitations_managed_by(request.user, organisation), pk=pk)
    services.invitation_revoke(invitation=invitation, actor=request.user)
    messages.success(request, _("The invitation was withdrawn."))
    return redirect("accounts:organisation-members", slug=organisation.slug)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_leave(request, slug):
    membership = get_object_or_404(
        Membership.objects.select_related("organisation"),
        user=request.user,
        organisation__slug=slug,
    )
    organisation = membership.organisation
    needs_successor = (
        services.organisations_needing_successor(request.user).filter(pk=organisation.pk).exists()
    )
    others = selectors.organisation_members(organisation=organisation).exclude(pk=membership.pk)
    form = LeaveForm(request.POST or None, others=others, needs_successor=needs_successor)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.membership_leave(
                    membership=membership, successor=form.cleaned_data.get("successor")
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("You have left %(organisation)s.") % {"organisation": organisation},
                )
                return redirect("accounts:dashboard")
        status = 400
    return render(
        request,
        "accounts/organisation_leave.html",
        {"organisation": organisation, "form": form, "needs_successor": needs_successor},
        status=status,
    )


# --- Personal data -----------------------------------------------------------------------------


def privacy(request):
    return render(
        request,
        "accounts/privacy.html",
        {
            "inactive_years": round(settings.ACCOUNT_INACTIVE_RETENTION_DAYS / 365, 1),
            "inactive_days": settings.ACCOUNT_INACTIVE_RETENTION_DAYS,
            "unverified_days": settings.ACCOUNT_UNVERIFIED_RETENTION_DAYS,
            "invitation_valid_days": settings.INVITATION_VALID_DAYS,
            "invitation_days": settings.INVITATION_RETENTION_DAYS,
        },
    )


@login_required
def account_export(request):
    data = services.account_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"buurtkaart-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST or None, user=request.user)
    blocking = services.organisations_needing_successor(request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.account_delete(user=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                logout(request)
                messages.success(request, _("Your account and your data have been deleted."))
                return redirect("maps:city")
        status = 400
    return render(
        request,
        "accounts/account_delete.html",
        {"form": form, "blocking": blocking},
        status=status,
    )
