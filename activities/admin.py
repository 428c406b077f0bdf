from django.contrib.gis import admin

from core.admin import GeoModelAdmin, ModelAdmin

from .models import Activity, Occurrence, Registration


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


@admin.register(Registration)
class RegistrationAdmin(ModelAdmin):
    list_display = ("name", "occurrence", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("occurrence", "user")
