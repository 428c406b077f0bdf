"""The moderation state of public content, which models are moderated, and how moderation
reads them. No models here: every app may import it, and the moderation app (the queue,
decisions, reports, audit) reads what the apps above core register.

An app registers each of its public models once, from its AppConfig.ready():

    moderation.register(
        Activity,
        authors=lambda activity: activity.organisation_admins(),
        public_queryset=lambda: Activity.objects.public(include_cancelled=True),
        needs_review=lambda author, activity: not activity.organisation.is_verified,
    )

The model needs a `moderation_state` field with ModerationState choices,
and its public querysets must show only APPROVED rows. Reports, the queue, decisions, audit
entries and e-mails then work for it without further code.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationState(models.TextChoices):
    """Only APPROVED content is public; every other state keeps it off the map and the pages."""

    PENDING = "pending", _("Waiting for a moderator")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")


@dataclass(frozen=True)
class ModeratedType:
    model: type[models.Model]
    # The accounts that hear about decisions on an item: its author, or an organisation's admins.
    authors: Callable[[models.Model], Iterable]
    # What anyone may see, and so may report.
    public_queryset: Callable[[], models.QuerySet]
    title: Callable[[models.Model], str]
    # Free-text fields a moderator reads (and the personal-data check scans).
    text_fields: tuple[str, ...]
    # Whether new content from this author waits for a moderator before it is public.
    needs_review: Callable[[object, models.Model], bool]
    state_field: str
    # Called inside the decision's transaction when a moderator moves an item to a new state
    # (item, new state, moderator): a claim that is approved makes its claimant a member.
    decided: Callable[[models.Model, str, object], None] | None = None
    # What a moderator sees of an item besides its texts: a template included on the item
    # page with the context review_context(item) returns (a claim's evidence, similar listings).
    review_template: str = ""
    review_context: Callable[[models.Model], dict] | None = None
    # The e-mail telling the authors about a decision (prefix of _subject.txt/_message.txt).
    decision_template: str = "moderation/email/decision"

    @property
    def key(self) -> str:
        """Stable name used in URLs: "buurt.organisation"."""
        return self.model._meta.label_lower

    @property
    def verbose_name(self) -> str:
        return self.model._meta.verbose_name

    def state(self, obj) -> str:
        return getattr(obj, self.state_field)

    def texts(self, obj) -> dict[str, str]:
        """Label → text of the free-text fields that are filled in."""
        fields = (self.model._meta.get_field(name) for name in self.text_fields)
        return {
            str(field.verbose_name): getattr(obj, field.name)
            for field in fields
            if getattr(obj, field.name)
        }


_registry: dict[type[models.Model], ModeratedType] = {}


class NotRegistered(LookupError):
    pass


def _always(author, obj) -> bool:
    return True


def register(
    model: type[models.Model],
    *,
    authors: Callable[[models.Model], Iterable],
    public_queryset: Callable[[], models.QuerySet],
    title: Callable[[models.Model], str] = str,
    text_fields: Iterable[str] = (),
    needs_review: Callable[[object, models.Model], bool] = _always,
    state_field: str = "moderation_state",
    decided: Callable[[models.Model, str, object], None] | None = None,
    review_template: str = "",
    review_context: Callable[[models.Model], dict] | None = None,
    decision_template: str = "moderation/email/decision",
) -> ModeratedType:
    model._meta.get_field(state_field)  # fails early on a model without the field
    moderated = ModeratedType(
        model=model,
        authors=authors,
        public_queryset=public_queryset,
        title=title,
        text_fields=tuple(text_fields),
        needs_review=needs_review,
        state_field=state_field,
        decided=decided,
        review_template=review_template,
        review_context=review_context,
        decision_template=decision_template,
    )
    _registry[model] = moderated
    return moderated


def unregister(model: type[models.Model]) -> None:
    _registry.pop(model, None)


def get(model_or_obj) -> ModeratedType:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    model = model._meta.concrete_model
    try:
        return _registry[model]
    except KeyError:
        raise NotRegistered(model._meta.label) from None


def is_registered(model_or_obj) -> bool:
    try:
        get(model_or_obj)
    except NotRegistered:
        return False
    return True


def by_key(key: str) -> ModeratedType | None:
    return next((m for m in _registry.values() if m.key == key), None)


def registered() -> list[ModeratedType]:
    return sorted(_registry.values(), key=lambda m: m.key)
