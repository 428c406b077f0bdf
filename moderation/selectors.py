"""Reads that feed the moderation pages."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q
from django.utils.functional import Promise

from accounts.models import WorkerProfile
from core import moderation, personal_data
from core.moderation import ModerationState
from core.personal_data import KIND_LABELS

from .models import AuditEntry, Report


@dataclass
class ModeratedItem:
    """One item of any moderated model, read through its registry entry."""

    moderated: moderation.ModeratedType
    obj: models.Model

    @property
    def key(self) -> str:
        return self.moderated.key

    @property
    def pk(self):
        return self.obj.pk

    @property
    def title(self) -> str:
        return self.moderated.title(self.obj)

    @property
    def state(self) -> str:
        return self.moderated.state(self.obj)


@dataclass
class QueueItem(ModeratedItem):
    # Reason label -> number of open reports giving it.
    open_reports: Counter = field(default_factory=Counter)

    @property
    def report_count(self) -> int:
        return sum(self.open_reports.values())

    @property
    def report_reasons(self) -> list[tuple[str, int]]:
        """(reason label, number of open reports), most given first."""
        return self.open_reports.most_common()


@dataclass
class Queue:
    pending: list[QueueItem]
    hidden: list[QueueItem]
    reported: list[QueueItem]  # public, with open reports
    unverified_workers: int

    def __bool__(self):
        return bool(self.pending or self.hidden or self.reported)


def moderation_queue() -> Queue:
    """What waits for a moderator, over every registered model: oldest first.

    One query for the open reports, one per registered model, one for the workers.
    """
    reasons = dict(Report.Reason.choices)
    open_reports: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for row in (
        Report.objects.filter(resolved_at__isnull=True)
        .values("content_type_id", "object_id", "reason")
        .annotate(n=Count("pk"))
    ):
        key = (row["content_type_id"], row["object_id"])
        open_reports[key][reasons.get(row["reason"], row["reason"])] += row["n"]

    queue = Queue(pending=[], hidden=[], reported=[], unverified_workers=0)
    sections: dict[str, list[QueueItem]] = {
        ModerationState.PENDING: queue.pending,
        ModerationState.HIDDEN: queue.hidden,
        ModerationState.APPROVED: queue.reported,
    }
    for moderated in moderation.registered():
        content_type = ContentType.objects.get_for_model(moderated.model)
        reported_ids = [pk for ct, pk in open_reports if ct == content_type.pk]
        state = moderated.state_field
        waiting = moderated.model._default_manager.filter(
            Q(**{f"{state}__in": [ModerationState.PENDING, ModerationState.HIDDEN]})
            | Q(**{"pk__in": reported_ids, state: ModerationState.APPROVED})
        ).order_by("pk")
        for obj in waiting:
            item = QueueItem(moderated, obj, open_reports.get((content_type.pk, obj.pk), Counter()))
            sections[item.state].append(item)
    queue.unverified_workers = WorkerProfile.objects.filter(verified_at__isnull=True).count()
    return queue


@dataclass
class ItemReview(ModeratedItem):
    reports: list[Report]
    history: list[AuditEntry]
    # (label of a free-text field, its text, [(kind label, text) that looks like personal data])
    texts: list[tuple[str, str, list[tuple[str | Promise, str]]]]
    # What the model's registry entry adds for the moderator (review_template's context).
    extra: dict = field(default_factory=dict)

    @property
    def state_label(self) -> str:
        return str(ModerationState(self.state).label)

    @property
    def public_url(self) -> str:
        if self.state != ModerationState.APPROVED or not hasattr(self.obj, "get_absolute_url"):
            return ""
        return self.obj.get_absolute_url()


def moderation_item(*, key: str, pk: int) -> ItemReview:
    """One item in any state, with its reports and history. Raises LookupError when unknown.

    For moderators only: the reports name their reporters.
    """
    moderated = moderation.by_key(key)
    if moderated is None:
        raise LookupError(key)
    obj = moderated.model._default_manager.filter(pk=pk).first()
    if obj is None:
        raise LookupError(pk)
    target = {"content_type": ContentType.objects.get_for_model(obj), "object_id": obj.pk}
    texts = moderated.texts(obj)
    return ItemReview(
        moderated=moderated,
        obj=obj,
        reports=list(Report.objects.filter(**target).select_related("reporter", "resolved_by")),
        history=list(AuditEntry.objects.filter(**target).select_related("actor")),
        texts=[
            (
                label,
                text,
                [(KIND_LABELS[f.kind], f.text) for f in personal_data.find_personal_data(text)],
            )
            for label, text in texts.items()
        ],
        extra=moderated.review_context(obj) if moderated.review_context else {},
    )


def audit_entries(*, action: str = ""):
    """The audit log, newest first, optionally one action only."""
    entries = AuditEntry.objects.select_related("actor", "content_type")
    return entries.filter(action=action) if action else entries


def report_exists(*, reporter, target: models.Model) -> bool:
    if not reporter.is_authenticated:
        return False
    return Report.objects.filter(
        content_type=ContentType.objects.get_for_model(target),
        object_id=target.pk,
        reporter=reporter,
    ).exists()


def reportable_item(*, key: str, pk: int) -> tuple[moderation.ModeratedType, models.Model]:
    """A public item of a registered model. Raises LookupError when there is none."""
    moderated = moderation.by_key(key)
    if moderated is None:
        raise LookupError(key)
    obj = moderated.public_queryset().filter(pk=pk).first()
    if obj is None:
        raise LookupError(pk)
    return moderated, obj


def reports_export(user) -> list[dict]:
    """The reports a user made, for the download of their personal data."""
    return [
        {
            "item": f"{report.content_type.app_label}.{report.content_type.model}",
            "item_id": report.object_id,
            "reason": report.reason,
            "details": report.details,
            "reported_at": report.created_at.isoformat(),
            "handled_at": report.resolved_at.isoformat() if report.resolved_at else None,
        }
        for report in Report.objects.filter(reporter=user).select_related("content_type")
    ]
