"""HTML pages of activities: the public agenda, detail and feeds; the members' dashboard."""

from __future__ import annotations

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from buurt.models import Neighbourhood, Organisation
from core.ratelimit import rate_limit
from core.text import csv_cell, json_ld, render_user_markdown

from . import feeds, selectors, services, subscriptions
from .forms import ActivityForm, AgendaFilterForm, CancelForm, RegisterForm
from .models import Activity, Occurrence, Registration
from .selectors import AgendaFilter

PAGE_SIZE = 20
ICAL = "text/calendar; charset=utf-8"


def _base_url(request) -> str:
    return f"{request.scheme}://{request.get_host()}"


# --- Public -------------------------------------------------------------------------------


def agenda(request):
    form = AgendaFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    filters = (
        form.to_filter(today=timezone.localdate()) if form.is_bound and valid else AgendaFilter()
    )
    page = None
    if valid:
        paginator = Paginator(selectors.agenda_occurrences(filters), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "activities/agenda.html",
        {
            "form": form,
            "page": page,
            "days": selectors.by_day(page.object_list) if page else [],
            "chosen_filters": sum(1 for name in query if any(query.getlist(name))),
            "query": query.urlencode(),
            "feed_url": reverse("activities:agenda-ics")
            + (f"?{query.urlencode()}" if query else ""),
        },
        status=200 if valid else 400,
    )


def agenda_ics(request):
    form = AgendaFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return HttpResponse(
            _("These filters are not valid."), status=400, content_type="text/plain"
        )
    filters = form.to_filter(today=timezone.localdate()) if form.is_bound else AgendaFilter()
    return _ics(request, selectors.feed_activities(filters), _("Buurtkaart agenda"), "agenda")


def organisation_ics(request, slug):
    organisation = get_object_or_404(Organisation.objects.public(), slug=slug)
    activities = selectors.feed_activities(AgendaFilter(organisation=organisation.slug))
    return _ics(request, activities, organisation.name, organisation.slug)


def neighbourhood_ics(request, code):
    neighbourhood = get_object_or_404(Neighbourhood, code=code)
    activities = selectors.feed_activities(AgendaFilter(neighbourhood=neighbourhood.code))
    return _ics(request, activities, neighbourhood.name, neighbourhood.code)


def _ics(request, activities, name: str, filename: str) -> HttpResponse:
    body = feeds.calendar(activities, name=name, base_url=_base_url(request))
    response = HttpResponse(body, content_type=ICAL)
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    return response


def activity_detail(request, pk):
    """Public when published and approved; its organisation's members see a preview."""
    activity = selectors.activity_detail(pk=pk)
    preview = False
    if activity is None:
        activity = get_object_or_404(selectors.activities_editable_by(request.user), pk=pk)
        preview = True
    return render(
        request,
        "activities/activity_detail.html",
        {
            "activity": activity,
            "preview": preview,
            "description": render_user_markdown(activity.description),
            "occurrences": selectors.upcoming_occurrences(activity),
            "json_ld": None
            if preview
            else json_ld(feeds.activity_json_ld(activity, base_url=_base_url(request))),
            "can_edit": policy.can_edit_organisation(request.user, activity.organisation),
            "is_worker": policy.is_verified_worker(request.user),
            "my_registrations": (
                selectors.my_registrations(request.user).filter(occurrence__activity=activity)
                if request.user.is_authenticated
                else []
            ),
            "register_form": RegisterForm(),
            "feed_url": reverse("activities:organisation-ics", args=[activity.organisation.slug]),
        },
    )


@login_required
@require_POST
@rate_limit("register", limit=30, period=3600)
def occurrence_register(request, pk):
    form = RegisterForm(request.POST)
    form.is_valid()
    # Only a verified worker registers someone else; anyone else registers themselves.
    name = form.cleaned_data.get("name", "") if policy.is_verified_worker(request.user) else ""
    try:
        registration = services.registration_create(
            occurrence_id=pk,
            user=request.user,
            name=name,
            for_someone_else=bool(name),
        )
    except Occurrence.DoesNotExist:
        raise Http404 from None
    except PermissionDenied:
        raise Http404 from None
    except services.RegistrationRefused as refused:
        messages.error(request, refused.message)
        return redirect(_occurrence_activity_url(pk))
    if registration.status == Registration.Status.WAITING:
        messages.info(request, _("The activity is full: you are on the waiting list."))
    else:
        messages.success(request, _("You are registered."))
    return redirect(registration.occurrence.activity.get_absolute_url())


def _occurrence_activity_url(pk: int) -> str:
    occurrence = Occurrence.objects.public(include_cancelled=True).filter(pk=pk).first()
    if occurrence is None:
        raise Http404
    return occurrence.activity.get_absolute_url()


@login_required
@require_POST
def registration_cancel(request, pk):
    registration = get_object_or_404(
        Registration.objects.filter(user=request.user).select_related("occurrence__activity"),
        pk=pk,
    )
    services.registration_cancel(registration=registration, user=request.user)
    messages.success(request, _("Your registration was cancelled."))
    return redirect(registration.occurrence.activity.get_absolute_url())


# --- Dashboard for organisation members ---------------------------------------------------


@login_required
def dashboard(request):
    organisations = policy.organisations_editable_by(request.user).order_by("name")
    activities = selectors.activities_editable_by(request.user).order_by(
        "organisation__name", "-starts_at"
    )
    return render(
        request,
        "activities/dashboard.html",
        {
            "organisations": organisations,
            "activities": activities,
            "failing_calendars": subscriptions.subscriptions_failing(organisations),
        },
    )


def _save(form: ActivityForm):
    try:
        activity = services.activity_save(
            activity=form.save(commit=False),
            languages=form.cleaned_data["languages"],
            network_models=form.cleaned_data["network_models"],
        )
    except ValidationError as error:
        form.add_model_errors(error)
        return None
    return activity


def _form_page(request, form: ActivityForm, organisation, activity=None):
    """Save, or with "Preview the dates" show the dates the form gives without saving:
    the preview is computed here, so that it works without JavaScript."""
    preview = None
    if request.method == "POST" and "preview" in request.POST:
        form.is_valid()
        form.keep_schedule_errors_only()
        preview = form.preview(now=timezone.now())
    elif request.method == "POST" and form.is_valid():
        saved = _save(form)
        if saved:
            if form.first_date_moved:
                messages.info(request, first_date_message(saved))
            return saved, None
    context = {
        "form": form,
        "organisation": organisation,
        "activity": activity,
        "preview": preview,
    }
    if activity is not None:
        context.update(
            occurrences=selectors.upcoming_occurrences(activity, limit=20),
            cancel_form=CancelForm(),
        )
    status = 400 if form.is_bound and preview is None and form.errors else 200
    return None, render(request, "activities/activity_form.html", context, status=status)


def first_date_message(activity: Activity) -> str:
    first = timezone.localtime(activity.starts_at, activity.schedule().zone)
    return _("The first time is %(date)s: the first date the repetition gives.") % {
        "date": date_format(first, "WEEKDAY_DATE_FORMAT")
    }


@login_required
def activity_create(request, slug):
    organisation = get_object_or_404(policy.organisations_editable_by(request.user), slug=slug)
    activity = Activity(organisation=organisation)
    form = ActivityForm(request.POST or None, request.FILES or None, instance=activity)
    saved, response = _form_page(request, form, organisation)
    if saved:
        messages.success(
            request, _("The activity was saved as a draft. Check the preview, then publish it.")
        )
        return redirect("activities:edit", pk=saved.pk)
    return response


@login_required
def activity_edit(request, pk):
    activity = get_object_or_404(selectors.activities_editable_by(request.user), pk=pk)
    form = ActivityForm(request.POST or None, request.FILES or None, instance=activity)
    saved, response = _form_page(request, form, activity.organisation, activity)
    if saved:
        messages.success(request, _("The changes were saved."))
        return redirect("activities:edit", pk=saved.pk)
    return response


@login_required
@require_POST
def activity_publish(request, pk):
    activity = get_object_or_404(selectors.activities_editable_by(request.user), pk=pk)
    services.activity_publish(activity=activity, user=request.user)
    if activity.moderation_state == "pending":
        messages.info(
            request,
            _(
                "Thank you. A moderator checks the first activities of a new organisation "
                "before they are public."
            ),
        )
    else:
        messages.success(request, _("The activity is published."))
    return redirect("activities:edit", pk=activity.pk)


@login_required
@require_POST
def activity_cancel(request, pk):
    activity = get_object_or_404(selectors.activities_editable_by(request.user), pk=pk)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a short notice for visitors."))
    else:
        services.activity_cancel(
            activity=activity, user=request.user, notice=form.cleaned_data["notice"]
        )
        messages.success(request, _("The activity is cancelled; the notice is shown on its page."))
    return redirect("activities:edit", pk=activity.pk)


@login_required
@require_POST
def activity_archive(request, pk):
    activity = get_object_or_404(selectors.activities_editable_by(request.user), pk=pk)
    services.activity_archive(activity=activity, user=request.user)
    messages.success(request, _("The activity is archived."))
    return redirect("activities:dashboard")


@login_required
@require_POST
def activity_duplicate(request, pk):
    activity = get_object_or_404(selectors.activities_editable_by(request.user), pk=pk)
    copy = services.activity_duplicate(activity=activity, user=request.user)
    messages.success(request, _("A copy was made as a draft."))
    return redirect("activities:edit", pk=copy.pk)


@login_required
@require_POST
def occurrence_cancel(request, pk):
    occurrence = get_object_or_404(selectors.occurrences_editable_by(request.user), pk=pk)
    restore = request.POST.get("restore") == "1"
    services.occurrence_cancel(occurrence=occurrence, user=request.user, cancelled=not restore)
    messages.success(
        request, _("The date is restored.") if restore else _("The date is cancelled.")
    )
    return redirect("activities:edit", pk=occurrence.activity_id)


@login_required
def activity_registrations(request, pk):
    activity = get_object_or_404(selectors.activities_editable_by(request.user), pk=pk)
    return render(
        request,
        "activities/registrations.html",
        {"activity": activity, "registrations": selectors.registrations_of(activity)},
    )


@login_required
def activity_registrations_csv(request, pk):
    activity = get_object_or_404(selectors.activities_editable_by(request.user), pk=pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registrations-{activity.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [_("Date"), _("Name"), _("Status"), _("Registered by a worker"), _("Registered")]
    )
    for registration in selectors.registrations_of(activity):
        writer.writerow(
            [
                timezone.localtime(registration.occurrence.starts_at).strftime("%Y-%m-%d %H:%M"),
                csv_cell(registration.name),
                registration.get_status_display(),
                _("yes") if registration.for_someone_else else _("no"),
                timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return response
