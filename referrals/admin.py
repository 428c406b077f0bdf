from django.contrib import admin

from core.admin import ModelAdmin

from . import services
from .models import FollowUp, Notification, Referral


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    fields = ("weeks", "due_on", "asked_at", "answer", "answered_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Referral)
class ReferralAdmin(ModelAdmin):
    """Read-mostly: referrals belong to their worker and association. The admin is for
    support (a stuck notification, a mistaken status), not for reading client details."""

    list_display = ("pk", "organisation", "status", "outcome", "created_at", "anonymised_at")
    list_filter = ("status", "outcome", "first_contact")
    search_fields = ("organisation__name",)
    raw_id_fields = ("worker", "organisation", "activity", "companion_offer", "responded_by")
    # The person's name, the free texts and the worker's network map stay on the referral's
    # own page, for the people involved; staff support does without them.
    exclude = ("pseudonym", "note", "response_note", "network_map")
    inlines = [FollowUpInline]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        referral = self.get_object(request, object_id)
        if referral is not None:
            services.referral_views_record(user=request.user, referrals=[referral])
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Notification)
class NotificationAdmin(ModelAdmin):
    list_display = ("pk", "referral", "event", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "event")
    raw_id_fields = ("referral", "recipient", "follow_up")
    readonly_fields = ("last_error",)
