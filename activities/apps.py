from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = _("Activities")

    def ready(self):
        from accounts import personal_data
        from buurt import demo, placing
        from buurt.search.registry import register as register_search
        from core import moderation

        from . import moderated, services
        from .demo import activities_demo_seed
        from .models import Activity
        from .search import ActivitySource

        moderation.register(
            Activity,
            authors=moderated.activity_authors,
            public_queryset=lambda: Activity.objects.public(include_cancelled=True),
            title=lambda activity: activity.title,
            text_fields=("title", "description", "cancel_notice", "welcome_person_name"),
            needs_review=services.activity_needs_review,
        )
        register_search(ActivitySource())
        placing.register(Activity)
        demo.register_seeder("activities", activities_demo_seed, order=20)
        personal_data.register_exporter("activity_registrations", moderated.registrations_export)
