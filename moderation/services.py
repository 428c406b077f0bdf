"""Every write of moderation: reports, decisions, the audit log and submissions.

Atomic and validated; who may decide is asked of accounts.policy; e-mails go out through a
task queued when the transaction commits. Nothing here ever tells an author who reported.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.models import Membership
from buurt.models import Organisation
from buurt.services import organisation_save
from core import moderation
from core.mail import message_render, messages_send, site_url
from core.moderation import ModerationState
from core.ratelimit import rate_limit_hit
from core.tasks import enqueue_on_commit

from .models import AuditEntry, Report

# Reports from this many different accounts hide an item until a moderator decides.
REPORTS_TO_HIDE = 3
# Per account: enough for someone who finds several bad posts, too few for a campaign.
REPORT_RATE_LIMIT = 10
REPORT_RATE_PERIOD_SECONDS = 60 * 60


class ModerationError(ValidationError):
    """A rule of moderation was broken; the message can be shown to the user as it is."""


class AlreadyReported(ModerationError):
    pass


class RateLimited(ModerationError):
    def __init__(self, message, *, retry_after: int):
        super().__init__(message, code="rate_limited")
        self.retry_after = retry_after


class Decision(models.TextChoices):
    APPROVE = "approve", _("Approve: it is public")
    REJECT = "reject", _("Reject: it stays off the site")
    HIDE = "hide", _("Hide it until it is fixed")


_Action, _State = AuditEntry.Action, ModerationState
# (decision, current state) -> (audit action, new state). Other pairs are refused.
# (decision, state) -> (audit action, new state); states are stored as plain strings.
TRANSITIONS: dict[tuple[str, str], tuple[str, str]] = {
    (Decision.APPROVE, _State.PENDING): (_Action.APPROVE, _State.APPROVED),
    (Decision.APPROVE, _State.REJECTED): (_Action.APPROVE, _State.APPROVED),
    (Decision.APPROVE, _State.HIDDEN): (_Action.UNHIDE, _State.APPROVED),
    # A reported item that stays public: the reports are dismissed, the author not bothered.
    (Decision.APPROVE, _State.APPROVED): (_Action.APPROVE, _State.APPROVED),
    (Decision.REJECT, _State.PENDING): (_Action.REJECT, _State.REJECTED),
    (Decision.REJECT, _State.APPROVED): (_Action.REJECT, _State.REJECTED),
    (Decision.REJECT, _State.HIDDEN): (_Action.REJECT, _State.REJECTED),
    (Decision.HIDE, _State.APPROVED): (_Action.HIDE, _State.HIDDEN),
}
# Decisions the author hears about by e-mail, with the moderator's reason.
NOTIFIED_ACTIONS = {
    AuditEntry.Action.APPROVE,
    AuditEntry.Action.REJECT,
    AuditEntry.Action.HIDE,
    AuditEntry.Action.AUTO_HIDE,
    AuditEntry.Action.UNHIDE,
}


# --- Audit log -----------------------------------------------------------------------------


def audit_record(*, actor, action: str, target: models.Model, reason: str = "") -> AuditEntry:
    """Append an entry to the audit log. `actor` None (or anonymous) means the application.

    For other apps too: e.g. AuditEntry.Action.EDIT_ON_BEHALF when a moderator changes an
    organisation they are no member of.
    """
    actor = actor if actor is not None and actor.is_authenticated else None
    title = (
        moderation.get(target).title(target) if moderation.is_registered(target) else str(target)
    )
    entry = AuditEntry(
        actor=actor,
        actor_repr=Truncator(str(actor)).chars(255) if actor else "",
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        target_repr=Truncator(title).chars(255),
        reason=reason,
    )
    entry.full_clean()
    entry.save()
    return entry


# --- Reports -------------------------------------------------------------------------------


def report_create(*, reporter, target: models.Model, reason: str, details: str = "") -> Report:
    """A signed-in user reports a public item; the third open report hides it.

    Raises target.DoesNotExist when the item is not public (any more), AlreadyReported on a
    second report by the same account, RateLimited when the account reports too much.
    """
    if not (reporter.is_authenticated and reporter.is_active):
        raise PermissionDenied
    moderated = moderation.get(target)
    if not moderated.public_queryset().filter(pk=target.pk).exists():
        # Every concrete model has DoesNotExist; django-stubs' Model (abstract) does not.
        raise moderated.model.DoesNotExist  # type: ignore[attr-defined]
    content_type = ContentType.objects.get_for_model(target)
    same_target = {"content_type": content_type, "object_id": target.pk}
    if Report.objects.filter(**same_target, reporter=reporter).exists():
        raise AlreadyReported(_("You have already reported this. Thank you."))
    limited = rate_limit_hit(
        f"report:{reporter.pk}", limit=REPORT_RATE_LIMIT, period=REPORT_RATE_PERIOD_SECONDS
    )
    if limited:
        raise RateLimited(limited.message, retry_after=limited.retry_after)
    report = Report(**same_target, reporter=reporter, reason=reason, details=details.strip())
    report.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            # Concurrent reports on one item are counted one after the other.
            target = moderated.model._default_manager.select_for_update().get(pk=target.pk)
            report.save()
            open_reports = Report.objects.filter(**same_target, resolved_at__isnull=True).count()
            if (
                open_reports >= REPORTS_TO_HIDE
                and moderated.state(target) == ModerationState.APPROVED
            ):
                _state_set(target, ModerationState.HIDDEN)
                entry = audit_record(actor=None, action=AuditEntry.Action.AUTO_HIDE, target=target)
                _notify_on_commit(entry)
    except IntegrityError as exc:  # the same account, twice at the same moment
        raise AlreadyReported(_("You have already reported this. Thank you.")) from exc
    return report


# --- Decisions -----------------------------------------------------------------------------


@transaction.atomic
def moderation_decide(
    *, moderator, target: models.Model, decision: str, reason: str = ""
) -> AuditEntry:
    """Approve, reject or hide an item; its open reports are handled by the decision.

    Rejecting and hiding need a reason: it is e-mailed to the author.
    """
    if not policy.is_moderator(moderator):
        raise PermissionDenied
    moderated = moderation.get(target)
    reason = reason.strip()
    if decision in (Decision.REJECT, Decision.HIDE) and not reason:
        raise ModerationError({"reason": _("Tell the author why.")})
    target = moderated.model._default_manager.select_for_update().get(pk=target.pk)
    state = moderated.state(target)
    try:
        action, new_state = TRANSITIONS[(decision, state)]
    except KeyError:
        raise ModerationError(
            _("This is not possible for an item that is “%(state)s”.")
            % {"state": ModerationState(state).label}
        ) from None
    _state_set(target, new_state)
    if new_state != state and moderated.decided is not None:
        moderated.decided(target, new_state, moderator)
    Report.objects.filter(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        resolved_at__isnull=True,
    ).update(resolved_at=timezone.now(), resolved_by=moderator)
    entry = audit_record(actor=moderator, action=action, target=target, reason=reason)
    if new_state != state:
        _notify_on_commit(entry)
    return entry


def _state_set(target: models.Model, state: str) -> None:
    """Only the state column: the author's content and its updated_at stay as they were."""
    moderated = moderation.get(target)
    type(target)._default_manager.filter(pk=target.pk).update(**{moderated.state_field: state})
    setattr(target, moderated.state_field, state)


def _notify_on_commit(entry: AuditEntry) -> None:
    from .tasks import decision_notify_task

    entry_id = entry.pk
    enqueue_on_commit(decision_notify_task, entry_id)


def decision_notify(*, audit_entry_id: int) -> int:
    """E-mail the authors of an item about a decision; returns the number of messages sent.

    The messages name the decision and the moderator's reason, never the reports or who
    made them.
    """
    entry = AuditEntry.objects.select_related("content_type").filter(pk=audit_entry_id).first()
    if entry is None or entry.action not in NOTIFIED_ACTIONS or entry.content_type is None:
        return 0
    target = entry.target
    if target is None or not moderation.is_registered(target):
        return 0  # deleted in the meantime
    moderated = moderation.get(target)
    url = target.get_absolute_url() if hasattr(target, "get_absolute_url") else ""
    context = {
        "action": entry.action,
        "actions": AuditEntry.Action,
        "kind": moderated.verbose_name,
        "title": moderated.title(target),
        "reason": entry.reason,
        "url": site_url(url) if url else "",
    }
    messages = [
        message_render(
            template_prefix=moderated.decision_template,
            context={**context, "author": author, "target": target},
            recipient=author,
        )
        for author in moderated.authors(target)
        if author.email
    ]
    return messages_send(messages)


# --- Submissions ---------------------------------------------------------------------------


def submission_state(*, author, target: models.Model) -> str:
    """The state new content starts in: pending when its model wants this author reviewed."""
    needs_review = moderation.get(target).needs_review(author, target)
    return ModerationState.PENDING if needs_review else ModerationState.APPROVED


@transaction.atomic
def organisation_submit(
    *, organisation: Organisation, author, languages=None, network_models=None
) -> Organisation:
    """A member or resident adds an organisation: they become its first admin, and it waits
    in the moderation queue unless they are a moderator themselves."""
    if not (author.is_authenticated and author.is_active):
        raise PermissionDenied
    if organisation.pk is not None:
        raise ValueError("organisation_submit is for new organisations.")
    organisation.moderation_state = submission_state(author=author, target=organisation)
    organisation_save(organisation=organisation, languages=languages, network_models=network_models)
    membership = Membership(user=author, organisation=organisation, role=Membership.Role.ADMIN)
    membership.full_clean()
    membership.save()
    return organisation


@transaction.atomic
def organisations_approve(*, moderator, ids: list[int]) -> int:
    """Approve the listed organisations that wait for a moderator (a loaded list, at once);
    each decision is audited as one by hand. The number approved."""
    approved = 0
    waiting = Organisation.objects.filter(pk__in=ids, moderation_state=ModerationState.PENDING)
    for organisation in waiting:
        moderation_decide(moderator=moderator, target=organisation, decision=Decision.APPROVE)
        approved += 1
    return approved
