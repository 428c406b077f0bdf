"""The moderation state of public content. No models here: content apps import it freely."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ModerationState(models.TextChoices):
    """Only APPROVED content is public; every other state keeps it off the map and the pages."""

    PENDING = "pending", _("Waiting for a moderator")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")
