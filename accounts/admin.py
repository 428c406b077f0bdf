from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import ListedFiltersOnly, ModelAdmin

from .models import Invitation, Membership, OrganisationClaim, User, WorkerProfile


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["organisation"]


@admin.register(User)
class UserAdmin(ListedFiltersOnly, DjangoUserAdmin):
    ordering = ["email"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "is_moderator",
        "is_coordinator",
        "is_staff",
    ]
    list_filter = ["is_moderator", "is_coordinator", "is_staff", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (_("Roles"), {"fields": ("is_moderator", "is_coordinator")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(WorkerProfile)
class WorkerProfileAdmin(ModelAdmin):
    list_display = ["user", "profession", "employer", "verified_at"]
    list_filter = ["profession", ("verified_at", admin.EmptyFieldListFilter)]
    search_fields = ["user__email", "employer__name"]
    autocomplete_fields = ["user", "employer"]
    readonly_fields = ["verified_at", "verified_by"]


@admin.register(Invitation)
class InvitationAdmin(ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at"]
    search_fields = ["email", "organisation__name"]
    # Invitations are made on the organisation's members page, which sends the e-mail.
    readonly_fields = [f.name for f in Invitation._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(OrganisationClaim)
class OrganisationClaimAdmin(ModelAdmin):
    """To look claims up; they are decided in the moderation queue (/moderatie/), where
    approving makes the claimant a member and everything is audited."""

    list_display = ["organisation", "user", "role", "email_confirmed_at", "moderation_state"]
    list_filter = ["moderation_state"]
    search_fields = ["organisation__name", "user__email", "email"]
    # Never the e-mail token: whoever reads the admin must not be able to confirm the address.
    fields = readonly_fields = [
        f.name for f in OrganisationClaim._meta.fields if f.name not in ("id", "email_token")
    ]

    def has_add_permission(self, request):
        return False
