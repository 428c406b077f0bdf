from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.paginator import Paginator
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render, resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import policy
from buurt import selectors as buurt_selectors

from . import selectors, services
from .forms import DecisionForm, ReportForm
from .models import AuditEntry

AUDIT_PAGE_SIZE = 50


def moderator_required(view):
    """Moderation pages do not exist for anyone else, whatever the method (404, not a log-in
    page): put it outside the method decorators."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not policy.is_moderator(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


# --- Reports: every signed-in user ----------------------------------------------------------


@require_http_methods(["GET", "POST"])
def report(request, key, pk):
    try:
        moderated, target = selectors.reportable_item(key=key, pk=pk)
    except LookupError as exc:
        raise Http404 from exc
    context = {"moderated": moderated, "target": target, "title": moderated.title(target)}
    if not request.user.is_authenticated:
        query = QueryDict(mutable=True)
        query[REDIRECT_FIELD_NAME] = request.get_full_path()
        login_url = f"{resolve_url(settings.LOGIN_URL)}?{query.urlencode(safe='/')}"
        return render(request, "moderation/report.html", context | {"login_url": login_url})
    if selectors.report_exists(reporter=request.user, target=target):
        return render(request, "moderation/report.html", context | {"already_reported": True})
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(reporter=request.user, target=target, **form.cleaned_data)
        except services.RateLimited as exc:
            form.add_error(None, exc)
            response = render(
                request, "moderation/report.html", context | {"form": form}, status=429
            )
            response["Retry-After"] = str(exc.retry_after)
            return response
        except services.AlreadyReported:
            return render(request, "moderation/report.html", context | {"already_reported": True})
        except moderated.model.DoesNotExist as exc:
            raise Http404 from exc
        return redirect("moderation:report-thanks")
    return render(request, "moderation/report.html", context | {"form": form})


@require_GET
def report_thanks(request):
    return render(request, "moderation/report_thanks.html")


# --- Moderators ---------------------------------------------------------------------------


@moderator_required
@require_GET
def queue(request):
    return render(
        request,
        "moderation/queue.html",
        {
            "queue": selectors.moderation_queue(),
            "worker_queue_url": _worker_queue_url(),
            # Loaded lists are published a batch at a time on the import page.
            "import_batches": buurt_selectors.organisation_import_batches_waiting(),
        },
    )


def _worker_queue_url() -> str:
    try:
        return reverse("accounts:worker-queue")
    except NoReverseMatch:
        return ""


@moderator_required
@require_GET
def item(request, key, pk):
    return _render_item(request, key, pk, DecisionForm())


@moderator_required
@require_POST
def decide(request, key, pk):
    form = DecisionForm(request.POST)
    if form.is_valid():
        review = _review(key, pk)
        try:
            services.moderation_decide(
                moderator=request.user, target=review.obj, **form.cleaned_data
            )
        except services.ModerationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your decision is saved; the author gets an e-mail."))
            return redirect("moderation:queue")
    return _render_item(request, key, pk, form, status=400)


def _review(key, pk):
    try:
        return selectors.moderation_item(key=key, pk=pk)
    except LookupError as exc:
        raise Http404 from exc


def _render_item(request, key, pk, form, status=200):
    return render(
        request,
        "moderation/item.html",
        {"review": _review(key, pk), "form": form},
        status=status,
    )


@moderator_required
@require_GET
def audit_log(request):
    action = request.GET.get("action", "")
    if action not in AuditEntry.Action.values:
        action = ""
    page = Paginator(selectors.audit_entries(action=action), AUDIT_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "moderation/audit_log.html",
        {"page": page, "action": action, "actions": AuditEntry.Action.choices},
    )
