from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpatialConfig(AppConfig):
    """Units, SRIDs and backend differences, and the admin's map widget: no models. An app
    only so that the widget's template is found where Django's form renderer looks."""

    name = "spatial"
    verbose_name = _("Spatial")
