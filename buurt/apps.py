from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BuurtConfig(AppConfig):
    name = "buurt"
    verbose_name = _("Neighbourhoods and organisations")

    def ready(self):
        from . import placing
        from .models import Organisation
        from .search import registry as search
        from .search.organisations import OrganisationSource

        placing.register(Organisation)
        search.register(OrganisationSource())
