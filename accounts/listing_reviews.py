"""Listings that stay true: the review cycle (services, the e-mail and the reads for it).

Every LISTING_REVIEW_MONTHS after a listing was last confirmed, a ListingReview asks the
association's admin members by e-mail whether it is still correct: a one-click link (a secret
token plus the member's own session, as the referral follow-ups) and a link to the edit page.
Nothing is lost when the mail server or the broker is away: the review's `mailed_at` stays
empty until a task has sent it, the task retries (core.tasks.MAIL_RETRY), and the daily beat
task queues again what is still unsent. Unanswered after LISTING_REVIEW_ANSWER_DAYS, or due
without any admin member to ask, the listing is on the moderators' freshness queue.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from buurt import freshness
from buurt.models import Organisation
from buurt.services import organisation_assure
from core.mail import message_render, messages_send, site_url
from core.tasks import enqueue_on_commit

from . import policy
from .models import ListingReview, Membership, User

# A review queued for e-mail and still unsent this long after is queued again (the broker
# lost it, or every retry failed).
REQUEUE_AFTER = datetime.timedelta(hours=1)


def _admin_members(organisation_ref=None):
    memberships = Membership.objects.filter(role=Membership.Role.ADMIN, user__is_active=True)
    if organisation_ref is not None:
        memberships = memberships.filter(organisation=organisation_ref)
    return memberships


@transaction.atomic
def listing_confirm(
    *, organisation: Organisation, user: User, on: datetime.date | None = None
) -> Organisation:
    """`user` says the listing is still correct: a member (assurer "member") or a moderator
    (assurer "moderator", audited). Closes the open review. PermissionDenied for anyone else."""
    role = policy.organisation_role(user, organisation)
    if role is None and not policy.is_moderator(user):
        raise PermissionDenied
    assurer = Organisation.Assurer.MEMBER if role else Organisation.Assurer.MODERATOR
    organisation_assure(organisation=organisation, assurer=assurer, on=on)
    ListingReview.objects.open().filter(organisation=organisation).update(closed_at=timezone.now())
    if role is None:
        from moderation.models import AuditEntry
        from moderation.services import audit_record

        audit_record(actor=user, action=AuditEntry.Action.VERIFY, target=organisation)
    return organisation


def listing_review_for_link(*, organisation: Organisation, token: str) -> ListingReview | None:
    """The review (open or already answered) whose e-mailed link carries `token`."""
    return ListingReview.objects.filter(organisation=organisation, token=token).first()


def listing_review_link_expired(
    review: ListingReview, *, now: datetime.datetime | None = None
) -> bool:
    """A review's e-mailed link works until the next review round: LISTING_REVIEW_MONTHS after
    it was asked (when the next round is due), or as soon as a newer review was opened. An old
    mail then confirms nothing; the edit page's button still does."""
    now = now or timezone.now()
    if timezone.localdate(review.asked_at) <= freshness.review_due_before(timezone.localdate(now)):
        return True
    return ListingReview.objects.filter(
        organisation_id=review.organisation_id, asked_at__gt=review.asked_at
    ).exists()


@transaction.atomic
def listing_reviews_start(*, now: datetime.datetime | None = None) -> int:
    """Open a review for every public listing due (LISTING_REVIEW_MONTHS since it was last
    confirmed) that has an admin member to ask and no open review; the number opened."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        Organisation.objects.public()
        .due_for_review(today)
        .filter(Exists(_admin_members(OuterRef("pk"))))
        .exclude(Exists(ListingReview.objects.open().filter(organisation=OuterRef("pk"))))
    )
    reviews = [
        ListingReview(organisation_id=pk, asked_at=now) for pk in due.values_list("pk", flat=True)
    ]
    ListingReview.objects.bulk_create(reviews)
    return len(reviews)


@transaction.atomic
def listing_reviews_queue_mail(*, now: datetime.datetime | None = None) -> int:
    """Queue the e-mail of every open review not sent yet (new ones, and those the broker or
    the mail server lost REQUEUE_AFTER ago); the number queued."""
    from .tasks import listing_review_mail_task

    now = now or timezone.now()
    unsent = ListingReview.objects.open().filter(
        Q(mail_queued_at__isnull=True) | Q(mail_queued_at__lt=now - REQUEUE_AFTER),
        mailed_at__isnull=True,
    )
    ids = list(unsent.values_list("pk", flat=True))
    ListingReview.objects.filter(pk__in=ids).update(mail_queued_at=now)
    for pk in ids:
        enqueue_on_commit(listing_review_mail_task, pk)
    return len(ids)


def listing_reviews_run(*, now: datetime.datetime | None = None) -> dict:
    """The daily beat task: open the reviews that are due, then send what is unsent."""
    now = now or timezone.now()
    opened = listing_reviews_start(now=now)
    return {"opened": opened, "queued": listing_reviews_queue_mail(now=now)}


def listing_review_mail(*, review_id: int) -> int:
    """E-mail the admin members of the review's organisation (the task, after the commit).
    Raises when the mail server fails, for the task to retry; the review stays unsent."""
    review = ListingReview.objects.select_related("organisation").filter(pk=review_id).first()
    if review is None or review.closed_at or review.mailed_at:
        return 0
    organisation = review.organisation
    context = {
        "organisation": organisation.name,
        "assured_on": organisation.assured_on,
        "confirm_url": site_url(review.confirm_url()),
        "edit_url": site_url(reverse("accounts:organisation-edit", args=[organisation.slug])),
        "page_url": site_url(organisation.get_absolute_url()),
    }
    members = _admin_members(organisation).select_related("user").order_by("pk")
    messages = [
        message_render(
            template_prefix="accounts/email/listing_review",
            context=context,
            recipient=membership.user,
        )
        for membership in members
    ]
    sent = messages_send(messages)
    ListingReview.objects.filter(pk=review.pk).update(mailed_at=timezone.now())
    return sent


def organisations_for_freshness_queue(*, now: datetime.datetime | None = None) -> QuerySet:
    """Public listings a moderator should check: due for review and either without an admin
    member to ask, or asked LISTING_REVIEW_ANSWER_DAYS ago without an answer. Oldest first."""
    now = now or timezone.now()
    unanswered = ListingReview.objects.open().filter(
        organisation=OuterRef("pk"), asked_at__lte=freshness.unanswered_since(now)
    )
    return (
        Organisation.objects.public()
        .due_for_review(timezone.localdate(now))
        .filter(~Exists(_admin_members(OuterRef("pk"))) | Exists(unanswered))
        .select_related("neighbourhood")
        .order_by("assured_on", "name")
    )
