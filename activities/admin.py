from django.contrib.gis import admin
from django.utils.translation import gettext_lazy as _

from core.admin import ModelAdmin
from spatial.admin import GeoModelAdmin

from .forms import FIT_FIELDS
from .models import Activity, CalendarSubscription, Occurrence, Registration


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    extra = 0
    fields = ("starts_at", "ends_at", "is_cancelled")
    readonly_fields = ("starts_at", "ends_at")


@admin.register(Activity)
class ActivityAdmin(GeoModelAdmin):
    list_display = ("title", "organisation", "starts_at", "status", "moderation_state")
    list_filter = ("status", "moderation_state", "category")
    search_fields = ("title", "organisation__name")
    raw_id_fields = ("organisation", "neighbourhood")
    inlines = [OccurrenceInline]
    # Grouped as the organisation's admin is (the fields shared through PlacedAddress and
    # AccessAndCost would otherwise come first).
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organisation",
                    "title",
                    "description",
                    "category",
                    "picture",
                    "contact_email",
                    "contact_phone",
                ]
            },
        ),
        (
            _("Where"),
            {
                "fields": [
                    "venue",
                    "street_address",
                    "postcode",
                    "city",
                    "point",
                    "neighbourhood",
                    "geocode_status",
                    "geocode_precision",
                    "geocoded_at",
                ]
            },
        ),
        (
            _("When"),
            {
                "fields": [
                    "starts_at",
                    "ends_at",
                    "time_zone",
                    "rrule",
                    "exception_dates",
                    "extra_dates",
                ]
            },
        ),
        (_("Who it suits"), {"fields": FIT_FIELDS}),
        (_("Registrations"), {"fields": ["registration_required", "capacity"]}),
        (
            _("Moderation"),
            {"fields": ["status", "cancel_notice", "moderation_state", "uit_id", "is_demo"]},
        ),
        (_("Imported from a calendar"), {"fields": ["subscription", "feed_key"]}),
    ]
    readonly_fields = ("subscription", "feed_key")


@admin.register(Registration)
class RegistrationAdmin(ModelAdmin):
    list_display = ("name", "occurrence", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("occurrence", "user")


@admin.register(CalendarSubscription)
class CalendarSubscriptionAdmin(ModelAdmin):
    """Who reads which calendar, and whether the last reading failed."""

    list_display = ("organisation", "kind", "source", "publish", "synced_at", "error_code")
    list_filter = ("kind", "error_code")
    search_fields = ("organisation__name", "source")
    raw_id_fields = ("organisation", "created_by")
    readonly_fields = (
        "etag",
        "last_modified",
        "synced_at",
        "succeeded_at",
        "error_code",
        "error_detail",
        "last_report",
    )
