"""Referral pages. Lookups go through referrals.policy: what a user may not see is 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.policy import organisations_editable_by
from activities.models import Activity
from buurt.models import Organisation
from core.forms import add_model_errors
from neighbourhelp.models import HelpOffer
from networkmap.policy import network_maps_visible_to
from networkmap.selectors import network_map_choices

from . import notifications, policy, selectors, services
from .forms import FollowUpForm, ReferralForm, RespondForm
from .models import SUGGESTED_GIVE_BACK, FollowUp, Notification, Referral


def _number(request, name: str) -> str:
    value = request.GET.get(name, "")
    if not value.isdigit():
        raise Http404
    return value


def _start(request) -> dict:
    """Where a referral starts: an organisation, an activity or a help offer (the companion).
    Anything not public is 404, like its own page."""
    start = {"organisation": None, "activity": None, "offer": None}
    organisations = Organisation.objects.public()
    if slug := request.GET.get("organisation"):
        start["organisation"] = get_object_or_404(organisations, slug=slug)
    elif "organisation_id" in request.GET:
        start["organisation"] = get_object_or_404(
            organisations, pk=_number(request, "organisation_id")
        )
    elif "activity" in request.GET:
        start["activity"] = get_object_or_404(
            Activity.objects.public().select_related("organisation"),
            pk=_number(request, "activity"),
        )
        start["organisation"] = start["activity"].organisation
    elif "offer" in request.GET:
        start["offer"] = get_object_or_404(
            HelpOffer.objects.public().select_related("helper", "neighbourhood"),
            pk=_number(request, "offer"),
        )
    return start


def _companion_label(offer, distance: str) -> str:
    name = offer.helper.first_name or _("A neighbour")
    return _("%(name)s, %(area)s (%(distance)s from the association)") % {
        "name": name,
        "area": offer.area_name,
        "distance": distance,
    }


@login_required
def referral_create(request):
    if not policy.can_refer(request.user):
        return render(request, "referrals/not_worker.html", status=403)
    start = _start(request)
    organisation, offer = start["organisation"], start["offer"]
    if organisation is None and offer is None:
        return redirect("maps:search")
    organisations = None
    if offer is not None:
        organisations = selectors.receiving_organisations(near=offer.public_point)
        chosen_pk = request.POST.get("organisation", "")
        organisation = next((o for o in organisations if str(o.pk) == chosen_pk), None)
        companions = [(offer.pk, _companion_label(offer, _("near")))]
    else:
        if not services.organisation_receives_referrals(organisation):
            return render(request, "referrals/not_receiving.html", {"organisation": organisation})
        companions = [
            (c.offer.pk, _companion_label(c.offer, c.distance))
            for c in selectors.companion_choices(organisation, worker=request.user)
        ]
    activities = (
        list(Activity.objects.public().filter(organisation=organisation).order_by("title"))
        if organisation is not None and offer is None
        else []
    )
    form = ReferralForm(
        request.POST or None,
        activities=activities,
        companions=companions,
        organisations=organisations,
        suggestion=SUGGESTED_GIVE_BACK.get(organisation.kind, "") if organisation else "",
        network_maps=network_map_choices(request.user),
        initial={
            "network_map": request.GET.get("network_map"),
            "activity": start["activity"].pk if start["activity"] else None,
            "companion": offer.pk if offer else None,
            "first_contact": "companion" if offer else "call_worker",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        activity = next((a for a in activities if a.pk == data.get("activity")), None)
        companion = None
        if data.get("companion"):
            companion = HelpOffer.objects.public().filter(pk=data["companion"]).first()
        network_map = None
        if data.get("network_map"):
            network_map = (
                network_maps_visible_to(request.user).filter(pk=data["network_map"]).first()
            )
        try:
            referral = services.referral_create(
                worker=request.user,
                organisation=organisation,
                activity=activity,
                companion_offer=companion,
                pseudonym=data["pseudonym"],
                needs=data["needs"],
                note=data["note"],
                first_contact=data["first_contact"],
                give_back=data["give_back"],
                consent=data["consent"],
                network_map=network_map,
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(
                request,
                _("The referral was sent. You will hear from %(organisation)s here.")
                % {"organisation": organisation.name},
            )
            return redirect(referral)
    return render(
        request,
        "referrals/referral_form.html",
        {"form": form, "organisation": organisation, "offer": offer, **start},
    )


@login_required
def mine(request):
    return render(
        request,
        "referrals/mine.html",
        {
            "referrals": selectors.referrals_of_worker(request.user),
            "companion_requests": policy.referrals_as_companion(request.user)
            .open()
            .select_related("organisation", "activity"),
            "can_refer": policy.can_refer(request.user),
            "answers": [c for c in FollowUp.Answer.choices if c[0]],
        },
    )


@login_required
def incoming(request, slug):
    organisation = get_object_or_404(organisations_editable_by(request.user), slug=slug)
    referrals = selectors.referrals_incoming(organisation)
    services.referral_views_record(user=request.user, referrals=referrals)
    return render(
        request,
        "referrals/incoming.html",
        {"organisation": organisation, "referrals": referrals},
    )


def _visible_referral(request, pk) -> Referral:
    referral = selectors.referral_detail(policy.referrals_visible_to(request.user), pk)
    if referral is None:
        raise Http404
    return referral


def _detail(request, referral: Referral, respond_form=None, status=200):
    can_answer = policy.can_answer_referral(request.user, referral)
    if can_answer and respond_form is None:
        respond_form = RespondForm()
    return render(
        request,
        "referrals/referral_detail.html",
        {
            "referral": referral,
            "is_worker": referral.worker_id == request.user.pk,
            "can_answer": can_answer,
            "respond_form": respond_form,
            "follow_ups": sorted(referral.follow_ups.all(), key=lambda f: f.weeks),
            "answers": [c for c in FollowUp.Answer.choices if c[0]],
        },
        status=status,
    )


@login_required
def detail(request, pk):
    referral = _visible_referral(request, pk)
    services.referral_views_record(user=request.user, referrals=[referral])
    return _detail(request, referral)


@login_required
@require_POST
def respond(request, pk):
    referral = _visible_referral(request, pk)
    if not policy.can_answer_referral(request.user, referral):
        raise Http404
    form = RespondForm(request.POST)
    if form.is_valid():
        try:
            services.referral_respond(
                user=request.user,
                referral=referral,
                decision=form.cleaned_data["decision"],
                moment=form.cleaned_data["moment"],
                note=form.cleaned_data["note"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_model_errors(form, error)
        else:
            messages.success(request, _("Your answer was sent to the worker."))
            return redirect(referral)
    return _detail(request, referral, form, status=400)


@login_required
@require_POST
def withdraw(request, pk):
    referral = get_object_or_404(Referral.objects.made_by(request.user), pk=pk)
    try:
        services.referral_withdraw(user=request.user, referral=referral)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The referral was withdrawn."))
    return redirect(referral)


@login_required
def companion(request, pk):
    referral = get_object_or_404(
        policy.referrals_as_companion(request.user).select_related(
            "organisation", "activity", "worker", "companion_offer"
        ),
        pk=pk,
    )
    if request.method == "POST":
        try:
            services.companion_answer(
                user=request.user,
                referral=referral,
                accept=request.POST.get("answer") == "accept",
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you. The worker has been told."))
        return redirect("referrals:companion", pk=referral.pk)
    services.referral_views_record(user=request.user, referrals=[referral])
    return render(request, "referrals/companion.html", {"referral": referral})


def _own_follow_up(request, pk) -> FollowUp:
    return get_object_or_404(
        FollowUp.objects.filter(referral__worker=request.user).select_related("referral"),
        pk=pk,
    )


def _record_answer(request, follow_up: FollowUp, answer: str):
    try:
        services.follow_up_answer(user=request.user, follow_up=follow_up, answer=answer)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Recorded: %(answer)s. Thank you.") % {"answer": FollowUp.Answer(answer).label},
        )
    return redirect(follow_up.referral)


@login_required
@require_POST
def follow_up_answer(request, pk):
    follow_up = _own_follow_up(request, pk)
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the answers."))
        return redirect(follow_up.referral)
    return _record_answer(request, follow_up, form.cleaned_data["answer"])


@login_required
def follow_up_link(request, pk, token, answer):
    """The one-click answer from the e-mail. It changes something on GET, which is safe here:
    it needs the secret token and the worker's own session, so neither a link scanner (no
    session) nor another site (no token) can trigger it, and repeating it changes nothing."""
    follow_up = _own_follow_up(request, pk)
    if token != follow_up.token or answer not in FollowUp.Answer.values or not answer:
        raise Http404
    return _record_answer(request, follow_up, answer)


@login_required
@require_POST
def notification_retry(request, pk):
    notification = get_object_or_404(
        Notification.objects.filter(referral__in=policy.referrals_visible_to(request.user)),
        pk=pk,
    )
    try:
        notifications.notification_retry(notification=notification)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The e-mail will be sent again."))
    return redirect(notification.referral)


@login_required
def statistics(request):
    if not policy.can_see_referral_statistics(request.user):
        raise Http404
    return render(request, "referrals/statistics.html", selectors.referral_statistics())
