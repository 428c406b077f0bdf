"""The members' page of an organisation's calendar subscriptions: add a feed, read it now,
stop it; each says when it was last read and, when that failed, why."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts import policy
from core.ratelimit import rate_limit
from core.tasks import enqueue_on_commit

from . import subscriptions
from .models import CalendarSubscription
from .tasks import subscription_sync_task


class CalendarSubscriptionForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind of calendar"),
        choices=CalendarSubscription.Kind.choices,
        initial=CalendarSubscription.Kind.ICAL,
        widget=forms.RadioSelect,
    )
    source = forms.CharField(
        label=gettext_lazy("Address of the calendar"),
        max_length=2000,
        help_text=gettext_lazy(
            "The public iCal address (.ics) of your calendar: in Google Calendar, Settings → "
            "your calendar → “Public address in iCal format”; in Outlook, Publish a calendar "
            "→ ICS; in Nextcloud, Share → Copy public link, with ?export at the end. For "
            "UiTdatabank: your organiser's id."
        ),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish new activities at once"),
        required=False,
        help_text=gettext_lazy("Otherwise they wait as drafts until you publish them."),
    )


def _organisation(request, slug):
    return get_object_or_404(policy.organisations_editable_by(request.user), slug=slug)


def _subscription(request, pk):
    return get_object_or_404(
        CalendarSubscription.objects.filter(
            organisation__in=policy.organisations_editable_by(request.user)
        ),
        pk=pk,
    )


@login_required
@rate_limit("calendar", limit=20, period=3600, methods=("POST",))
def subscriptions_page(request, slug):
    organisation = _organisation(request, slug)
    form = CalendarSubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription = subscriptions.subscription_subscribe(
                organisation=organisation,
                source=form.cleaned_data["source"],
                kind=form.cleaned_data["kind"],
                publish=form.cleaned_data["publish"],
                user=request.user,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error("source", message)
        else:
            # Saved first; read after the commit, by a worker (or here without a broker).
            enqueue_on_commit(subscription_sync_task, subscription.pk)
            messages.success(
                request,
                _("The calendar is added. It is read now and then every hour."),
            )
            return redirect("activities:subscriptions", slug=organisation.slug)
    items = [
        (subscription, subscriptions.error_message(subscription))
        for subscription in organisation.calendar_subscriptions.all()
    ]
    return render(
        request,
        "activities/subscriptions.html",
        {"organisation": organisation, "form": form, "items": items},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_POST
@rate_limit("calendar", limit=20, period=3600)
def subscription_sync(request, pk):
    subscription = _subscription(request, pk)
    enqueue_on_commit(subscription_sync_task, subscription.pk)
    messages.success(request, _("The calendar is being read again."))
    return redirect("activities:subscriptions", slug=subscription.organisation.slug)


@login_required
@require_POST
def subscription_delete(request, pk):
    subscription = _subscription(request, pk)
    slug = subscription.organisation.slug
    subscriptions.subscription_delete(subscription=subscription, user=request.user)
    messages.success(
        request,
        _("The calendar is no longer read. Its activities stay, and you can change them here."),
    )
    return redirect("activities:subscriptions", slug=slug)
