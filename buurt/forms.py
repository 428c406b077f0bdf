from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from moderation.forms import PersonalDataPreviewMixin

from .models import Organisation


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"  # "example.org" means https://example.org
    return field.formfield(**kwargs)


class OrganisationEditForm(PersonalDataPreviewMixin, forms.ModelForm):
    """What an organisation's members keep up to date themselves.

    Name, kind, status and verification stay with moderators. The point is derived from the
    address by organisation_save (or set on the admin map). Free text is checked for
    personal data before it is published."""

    personal_data_fields = ("description", "opening_hours")

    class Meta:
        model = Organisation
        formfield_callback = _formfield
        fields = [
            "description",
            "content_language",
            "street_address",
            "postcode",
            "city",
            "phone",
            "email",
            "website",
            "opening_hours",
            "languages",
            "network_models",
            "wheelchair_accessible",
            "hearing_loop",
            "quiet_space",
            "child_friendly",
            "cost",
            "reduced_rate",
            "welcome_person",
        ]
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "network_models": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 6}),
            "opening_hours": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "description": _("Plain words help everyone; say who is welcome and what happens."),
            "content_language": _("The language you wrote the description in."),
        }
