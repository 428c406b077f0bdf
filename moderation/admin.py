from django.contrib import admin

from core.admin import ModelAdmin

from .models import AuditEntry, Report


class ReadOnlyAdmin(ModelAdmin):
    """Decisions are made in the moderation pages, where they are audited and e-mailed."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor_repr", "action", "content_type", "target_repr"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor_repr", "target_repr", "reason"]
    date_hierarchy = "at"
    list_select_related = ["content_type"]


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "reason", "content_type", "object_id", "resolved_at"]
    list_filter = ["reason", "content_type", ("resolved_at", admin.EmptyFieldListFilter)]
    date_hierarchy = "created_at"
    list_select_related = ["content_type"]
