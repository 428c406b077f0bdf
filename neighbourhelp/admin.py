from django.contrib import admin

from core.admin import ModelAdmin

from .models import HelpMatch, HelpOffer, HelpRequest

# The exact location is deliberately not shown in the admin: list and detail show the coarse
# area only (private_point is not editable and excluded).


@admin.register(HelpOffer)
class HelpOfferAdmin(ModelAdmin):
    list_display = ["pk", "helper", "neighbourhood", "status", "moderation_state", "expires_at"]
    list_filter = ["status", "moderation_state"]
    exclude = ["private_point", "public_point"]
    raw_id_fields = ["helper"]


@admin.register(HelpRequest)
class HelpRequestAdmin(ModelAdmin):
    list_display = ["pk", "requester", "category", "neighbourhood", "status", "moderation_state"]
    list_filter = ["status", "moderation_state", "category"]
    exclude = ["private_point", "public_point"]
    raw_id_fields = ["requester"]


@admin.register(HelpMatch)
class HelpMatchAdmin(ModelAdmin):
    list_display = ["pk", "request", "offer", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["request", "offer"]
