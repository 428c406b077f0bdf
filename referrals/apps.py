from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "referrals"
    verbose_name = _("Warm referrals")

    def ready(self):
        from accounts import personal_data

        from . import services

        personal_data.register_exporter("referrals", services.referrals_export)
        personal_data.register_retention("referrals", services.referrals_anonymise_expired)
