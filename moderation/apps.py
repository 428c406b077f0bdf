from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ModerationConfig(AppConfig):
    name = "moderation"
    verbose_name = _("Moderation")

    def ready(self):
        from accounts import personal_data

        from .selectors import reports_export

        # A reporter's account deletion detaches their reports (Report.reporter is SET_NULL).
        personal_data.register_exporter("reports", reports_export)
