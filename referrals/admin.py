from django.contrib import admin

from .models import FollowUp, Notification, Referral


class FollowUpInline(admin.TabularInline):
    model = FollowUp
    extra = 0
    fields = ("weeks", "due_on", "asked_at", "answer", "answered_at")
    readonly_fields = fields
    can_delete = False


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Read-mostly: referrals belong to their worker and association. The admin is for
    support (a stuck notification, a mistaken status), not for reading client details."""

    list_display = ("pk", "organisation", "status", "outcome", "created_at", "anonymised_at")
    list_filter = ("status", "outcome", "first_contact")
    search_fields = ("organisation__name",)
    raw_id_fields = ("worker", "organisation", "activity", "companion_offer", "responded_by")
    inlines = [FollowUpInline]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("pk", "referral", "event", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status", "event")
    raw_id_fields = ("referral", "recipient", "follow_up")
    readonly_fields = ("last_error",)
