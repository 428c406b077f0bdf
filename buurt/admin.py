from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from spatial.admin import GeoModelAdmin

from . import flags, services
from .models import Neighbourhood, Organisation


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(GeoModelAdmin):
    list_display = [
        "name",
        "code",
        "municipality_name",
        "population",
        "is_approximate",
        "organisation_count",
    ]
    list_filter = ["is_approximate", "municipality_name"]
    search_fields = ["name", "code", "municipality_name", "municipality_code"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(organisation_count=Count("organisations"))

    @admin.display(description=_("organisations"), ordering="organisation_count")
    def organisation_count(self, neighbourhood):
        return neighbourhood.organisation_count


@admin.register(Organisation)
class OrganisationAdmin(GeoModelAdmin):
    list_display = [
        "name",
        "kind",
        "status",
        "neighbourhood",
        "is_verified",
        "is_demo",
        "updated_at",
    ]
    list_filter = ["status", "kind", "is_verified", "is_demo", "neighbourhood__municipality_name"]
    list_select_related = ["neighbourhood"]
    search_fields = ["name", "slug", "street_address", "postcode", "city", "enterprise_number"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["languages"]
    # Derived from the point by services.organisation_save, so never typed in; who confirmed the
    # listing and when is recorded by the confirming services (buurt.freshness), not typed.
    readonly_fields = ["neighbourhood", "assured_on", "assurer", "created_at", "updated_at"]
    date_hierarchy = "updated_at"
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "slug",
                    "kind",
                    "status",
                    "description",
                    "content_language",
                    "logo",
                ]
            },
        ),
        (
            _("Where"),
            {"fields": ["street_address", "postcode", "city", "point", "neighbourhood"]},
        ),
        (
            _("Contact"),
            {"fields": ["phone", "email", "website", "enterprise_number", "opening_hours"]},
        ),
        (
            _("Who it suits"),
            {
                "fields": [
                    "languages",
                    "network_models",
                    *flags.FORM_FIELDS,
                    "welcome_person",
                ]
            },
        ),
        (
            _("Moderation"),
            {
                "fields": [
                    "is_verified",
                    "assured_on",
                    "assurer",
                    "is_demo",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "network_models":
            # Seven fixed models: checkboxes show them all at once.
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        # The service derives the neighbourhood; the admin then saves the many-to-many fields
        # in save_related() as usual.
        services.organisation_save(organisation=obj)
