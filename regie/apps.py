from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegieConfig(AppConfig):
    name = "regie"
    verbose_name = _("Neighbourhood care coordination")
