from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.moderation import ModerationState

__all__ = ["AppendOnlyError", "AuditEntry", "ModerationState", "Report"]


class Report(models.Model):
    """A signed-in user's "report this" on a public item. Moderators only ever see the reporter."""

    class Reason(models.TextChoices):
        PERSONAL_DATA = "personal_data", _("It shows someone's personal data")
        UNSAFE = "unsafe", _("It could put someone in danger")
        OFFENSIVE = "offensive", _("It is offensive, hateful or discriminating")
        SPAM = "spam", _("It is spam or advertising")
        INCORRECT = "incorrect", _("It is wrong or out of date")
        OTHER = "other", _("Something else")

    content_type = models.ForeignKey(
        ContentType, verbose_name=_("kind of item"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("item id"))
    target = GenericForeignKey("content_type", "object_id")
    # Kept when the account is deleted, so the count that hid an item stays explainable.
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    details = models.TextField(_("details"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("reported on"), default=timezone.now)
    resolved_at = models.DateTimeField(_("handled on"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "reporter"], name="one_report_per_user"
            )
        ]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "resolved_at"], name="report_target_idx"
            )
        ]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.content_type.name} {self.object_id})"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class AppendOnlyError(RuntimeError):
    """The audit log is written once and never changed or deleted by the application."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self):
        raise AppendOnlyError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """Who approved, rejected, hid or edited what on someone's behalf, when and why."""

    class Action(models.TextChoices):
        APPROVE = "approve", _("Approved")
        REJECT = "reject", _("Rejected")
        HIDE = "hide", _("Hidden by a moderator")
        AUTO_HIDE = "auto_hide", _("Hidden after reports")
        UNHIDE = "unhide", _("Shown again")
        EDIT_ON_BEHALF = "edit_on_behalf", _("Edited on behalf of the author")
        VERIFY = "verify", _("Verified")
        VIEW = "view", _("Viewed")
        CLAIM = "claim", _("Claimed as their association")
        CONFIRM_EMAIL = "confirm_email", _("E-mail address confirmed")
        EXPORT = "export", _("Exported")

    # Null for what the application did by itself (an automatic hide). The account link is
    # dropped when the account is deleted (a cascade, not the application); actor_repr stays.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_repr = models.CharField(_("by (as shown then)"), max_length=255, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices, db_index=True)
    content_type = models.ForeignKey(
        ContentType,
        verbose_name=_("kind of item"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.PositiveBigIntegerField(_("item id"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    target_repr = models.CharField(_("item (as shown then)"), max_length=255)
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_target_idx")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}: {self.target_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        # An INSERT even when a pk was set by hand: an existing row is never overwritten.
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit entries cannot be deleted.")
