from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares: safe user text, image uploads, rate limits, security headers."""

    name = "core"
    verbose_name = _("Core")
