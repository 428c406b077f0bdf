from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from core.forms import add_model_errors

from . import selectors, services
from .forms import AnswerForm, HelpMessageForm, HelpOfferForm, HelpRequestForm
from .models import Category, HelpMatch, HelpOffer, HelpRequest


def board(request):
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    context = selectors.board(category=category)
    context.update(categories=Category.choices, category=category)
    return render(request, "neighbourhelp/board.html", context)


def _visible(queryset, user, owner_field: str, pk: int):
    """Public items for everyone, the others as accounts.policy says; a 404 otherwise."""
    item = get_object_or_404(queryset, pk=pk)
    if item in queryset.model.objects.public().filter(pk=pk):
        return item
    if policy.can_see_unpublished_help(user, author_id=getattr(item, f"{owner_field}_id")):
        return item
    raise Http404


def offer_detail(request, pk):
    offer = _visible(HelpOffer.objects.select_related("neighbourhood"), request.user, "helper", pk)
    return render(
        request,
        "neighbourhelp/offer_detail.html",
        {
            "offer": offer,
            "is_owner": request.user.is_authenticated and offer.helper_id == request.user.pk,
        },
    )


def request_detail(request, pk):
    item = _visible(
        HelpRequest.objects.select_related("neighbourhood"), request.user, "requester", pk
    )
    return render(
        request,
        "neighbourhelp/request_detail.html",
        {
            "item": item,
            "is_owner": request.user.is_authenticated and item.requester_id == request.user.pk,
        },
    )


def _unverified(request):
    return render(request, "neighbourhelp/unverified.html", status=403)


@login_required
def offer_create(request):
    if not policy.can_contact_neighbours(request.user):
        return _unverified(request)
    form = HelpOfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop(form.confirm_field, None)
        try:
            offer = services.help_offer_create(helper=request.user, **data)
        except services.HelpError as exc:
            form.add_error("address", exc.messages[0])
        except ValidationError as exc:
            add_model_errors(form, exc)
        else:
            messages.success(request, _("Thank you! Your offer is saved."))
            return redirect(offer)
    return render(request, "neighbourhelp/offer_form.html", {"form": form})


@login_required
def request_create(request):
    if not policy.can_contact_neighbours(request.user):
        return _unverified(request)
    on_behalf = policy.can_ask_on_behalf(request.user)
    form = HelpRequestForm(request.POST or None, on_behalf=on_behalf)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop(form.confirm_field, None)
        try:
            item = services.help_request_create(requester=request.user, **data)
        except services.HelpRateLimited as exc:
            form.add_error(None, exc.messages[0])
            response = render(
                request,
                "neighbourhelp/request_form.html",
                {"form": form, "on_behalf": on_behalf},
                status=429,
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
        except services.HelpError as exc:
            form.add_error("address", exc.messages[0])
        except ValidationError as exc:
            add_model_errors(form, exc)
        else:
            return redirect("neighbourhelp:request-helpers", pk=item.pk)
    return render(
        request, "neighbourhelp/request_form.html", {"form": form, "on_behalf": on_behalf}
    )


@login_required
def request_helpers(request, pk):
    item = get_object_or_404(HelpRequest, pk=pk, requester=request.user)
    if request.method == "POST":
        offer = get_object_or_404(HelpOffer.objects.public(), pk=request.POST.get("offer") or 0)
        try:
            services.help_match_create(request=item, offer=offer, actor=request.user)
        except services.HelpError as exc:
            messages.error(request, exc.messages[0])
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("We asked this neighbour. You will hear by e-mail."))
        return redirect("neighbourhelp:request-helpers", pk=item.pk)
    suggestions = selectors.offers_for_request(item) if item.status == "open" else []
    return render(
        request, "neighbourhelp/request_helpers.html", {"item": item, "suggestions": suggestions}
    )


@login_required
@require_POST
def request_close(request, pk):
    item = get_object_or_404(HelpRequest, pk=pk, requester=request.user)
    services.help_request_close(item=item)
    messages.success(request, _("Your request is closed."))
    return redirect("neighbourhelp:mine")


def _match_for(user, pk):
    return get_object_or_404(
        HelpMatch.objects.involving(user).select_related(
            "request__requester", "offer__helper", "request__neighbourhood"
        ),
        pk=pk,
    )


@login_required
def match_detail(request, pk):
    match = _match_for(request.user, pk)
    is_helper = match.offer.helper_id == request.user.pk
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if not is_helper:
            raise Http404
        if form.is_valid():
            try:
                services.help_match_answer(
                    match=match, actor=request.user, accept=form.cleaned_data["answer"] == "accept"
                )
            except services.HelpError as exc:
                messages.error(request, exc.messages[0])
            except PermissionDenied:
                raise Http404 from None
        return redirect(match)
    return render(
        request,
        "neighbourhelp/match_detail.html",
        {
            "match": match,
            "is_helper": is_helper,
            "relayed": match.messages.select_related("sender"),
            "message_form": HelpMessageForm(),
        },
    )


@login_required
@require_POST
def match_message(request, pk):
    match = _match_for(request.user, pk)
    form = HelpMessageForm(request.POST)
    status, retry_after = 400, None
    if form.is_valid():
        try:
            services.help_message_send(
                match=match, sender=request.user, body=form.cleaned_data["body"]
            )
        except services.HelpRateLimited as exc:
            status, retry_after = 429, exc.retry_after
            messages.error(request, exc.messages[0])
        except services.HelpError as exc:
            messages.error(request, exc.messages[0])
        except PermissionDenied:
            return _unverified(request)
        else:
            return redirect(match)
    # Not sent (too long, empty, too often): the page again, with the reason on it and the
    # text kept in the form.
    response = render(
        request,
        "neighbourhelp/match_detail.html",
        {
            "match": match,
            "is_helper": match.offer.helper_id == request.user.pk,
            "relayed": match.messages.select_related("sender"),
            "message_form": form,
        },
        status=status,
    )
    if retry_after is not None:
        response["Retry-After"] = str(retry_after)
    return response


@login_required
@require_POST
def offer_withdraw(request, pk):
    offer = get_object_or_404(HelpOffer, pk=pk, helper=request.user)
    services.help_offer_withdraw(offer=offer)
    messages.success(request, _("Your offer is withdrawn."))
    return redirect("neighbourhelp:mine")


def offer_renew(request, pk, token):
    """One click from the reminder e-mail: the token is the capability, no log-in needed."""
    offer = get_object_or_404(HelpOffer, pk=pk, renew_token=token)
    if offer.status == HelpOffer.Status.WITHDRAWN:
        raise Http404
    services.help_offer_renew(offer=offer)
    return render(request, "neighbourhelp/offer_renewed.html", {"offer": offer})


@login_required
def mine(request):
    return render(request, "neighbourhelp/mine.html", selectors.my_help(request.user))


@login_required
def load(request):
    if not policy.can_see_help_load(request.user):
        raise Http404
    context = selectors.help_load()
    if policy.can_see_request_probers(request.user):
        context.update(
            probers=selectors.request_probers(),
            probe_count=selectors.PROBE_CLOSED_UNASKED,
            probe_days=selectors.PROBE_PERIOD.days,
        )
    return render(request, "neighbourhelp/load.html", context)
