"""Pages for keeping listings true: the freshness overview and queue, and loading a list of
organisations (the same import as manage.py buurt_import_organisations).

Coordinators (and moderators) see both; only moderators confirm a listing from the queue.
Anyone else gets a 404.
"""

import io
from functools import wraps

from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import listing_reviews, policy
from buurt import selectors as buurt_selectors
from buurt.models import Organisation
from buurt.organisation_files import FIELD_HELP, read_organisation_file
from buurt.organisation_import import organisations_import
from core.tokens import new_token

from . import services
from .forms import OrganisationImportForm
from .views import moderator_required

# The queue and the list of outdated listings show this many; the page says how many more.
LIST_LIMIT = 100


def coordinator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not policy.is_coordinator(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@coordinator_required
@require_GET
def freshness(request):
    queue = listing_reviews.organisations_for_freshness_queue()
    outdated = buurt_selectors.organisations_possibly_outdated()
    return render(
        request,
        "moderation/freshness.html",
        {
            "neighbourhoods": buurt_selectors.neighbourhoods_freshness(),
            "queue": queue[:LIST_LIMIT],
            "queue_count": queue.count(),
            "outdated": outdated[:LIST_LIMIT],
            "outdated_count": outdated.count(),
            "can_confirm": policy.is_moderator(request.user),
        },
    )


@moderator_required
@require_POST
def freshness_confirm(request, pk):
    """A moderator checked the listing (by phone, on its website): it counts as confirmed."""
    organisation = get_object_or_404(Organisation.objects.public(), pk=pk)
    listing_reviews.listing_confirm(organisation=organisation, user=request.user)
    messages.success(
        request, _("%(name)s is marked as checked today.") % {"name": organisation.name}
    )
    return redirect("moderation:freshness")


# --- Loading a list of organisations ----------------------------------------------------------

# An upload waits this long (in the cache, never on disk) between its check and the confirmation.
UPLOAD_KEPT_SECONDS = 30 * 60


def _upload_key(token: str) -> str:
    return f"organisation-import:{token}"


def _import_page(request, form, report=None, *, token="", error="", status=200):
    return render(
        request,
        "moderation/organisation_import.html",
        {
            "form": form,
            "report": report,
            "token": token,
            "error": error,
            "field_help": FIELD_HELP,
            # Imports still waiting (from the command line too), each published in one step.
            "waiting_batches": buurt_selectors.organisation_import_batches_waiting(),
        },
        status=status,
    )


@coordinator_required
@require_http_methods(["GET", "POST"])
def organisation_import(request):
    """Upload a list and see what loading it would do (a dry run); nothing is saved yet."""
    can_publish = policy.is_moderator(request.user)
    if request.method == "GET":
        return _import_page(request, OrganisationImportForm(can_publish=can_publish))
    form = OrganisationImportForm(request.POST, request.FILES, can_publish=can_publish)
    if not form.is_valid():
        return _import_page(request, form, status=400)
    data = form.cleaned_data
    token = new_token()
    # Kept only until it is confirmed (and deleted then) or for UPLOAD_KEPT_SECONDS.
    cache.set(
        _upload_key(token),
        {
            "user": request.user.pk,
            "data": data["data"],
            "filename": data["file"].name,
            "mapping": data["mapping"],
            "source": data["source"],
            "publish": bool(data.get("publish")),
        },
        UPLOAD_KEPT_SECONDS,
    )
    report = organisations_import(
        source=data["parsed"],
        source_label=data["source"],
        dry_run=True,
        publish=bool(data.get("publish")),
    )
    return _import_page(request, form, report, token=token)


@coordinator_required
@require_POST
def organisation_import_confirm(request):
    """Load the list checked a moment ago, then forget the file."""
    key = _upload_key(request.POST.get("token", ""))
    upload = cache.get(key)
    can_publish = policy.is_moderator(request.user)
    if not upload or upload["user"] != request.user.pk:
        return _import_page(
            request,
            OrganisationImportForm(can_publish=can_publish),
            error=_(
                "This upload is no longer here (it is kept for 30 minutes). Upload the file again."
            ),
            status=400,
        )
    cache.delete(key)
    parsed = read_organisation_file(
        io.BytesIO(upload["data"]), filename=upload["filename"], mapping=upload["mapping"]
    )
    report = organisations_import(
        source=parsed,
        source_label=upload["source"],
        publish=upload["publish"] and can_publish,
    )
    return _import_page(request, OrganisationImportForm(can_publish=can_publish), report)


@moderator_required
@require_POST
def organisation_import_publish(request):
    """Publish the new listings of an import at once (those still waiting): the ones just
    loaded here, or a waiting batch (`batch`: an ImportBatch key, e.g. a command-line import)."""
    if "batch" in request.POST:
        ids = buurt_selectors.organisation_import_batch_ids(key=request.POST["batch"])
    else:
        ids = [int(pk) for pk in request.POST.getlist("organisation") if pk.isdigit()]
    published = services.organisations_approve(moderator=request.user, ids=ids)
    messages.success(
        request,
        ngettext("%(count)d listing published.", "%(count)d listings published.", published)
        % {"count": published},
    )
    return redirect("moderation:queue")
