from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NeighbourhelpConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "neighbourhelp"
    verbose_name = _("Neighbour help")

    def ready(self):
        from accounts import personal_data
        from buurt import demo
        from buurt.search.registry import register as register_search

        from . import moderated, services
        from .demo import help_demo_seed
        from .search import HelpOfferSource

        moderated.register()
        register_search(HelpOfferSource())
        personal_data.register_exporter("neighbour_help", services.export_help)
        personal_data.register_anonymiser("neighbour_help", services.anonymise_help)
        demo.register_seeder("neighbour_help", help_demo_seed, order=10)
