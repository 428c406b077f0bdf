from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkMapConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "networkmap"
    verbose_name = _("Network maps")

    def ready(self):
        from accounts import personal_data

        from . import services

        personal_data.register_exporter("network_maps", services.network_maps_export)
        personal_data.register_anonymiser("network_maps", services.network_maps_delete_of)
        personal_data.register_retention("network_maps", services.network_maps_delete_unvisited)
