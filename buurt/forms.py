from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.forms import PersonalDataPreviewMixin

from . import flags
from .models import Organisation


def _formfield(field, **kwargs):
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"  # "example.org" means https://example.org
    return field.formfield(**kwargs)


class AccessAndCostFields:
    """For a ModelForm of an AccessAndCost model: the fields of the shared fieldset
    (templates/buurt/_access_and_cost_fields.html), in buurt.flags' order. Put
    *flags.FORM_FIELDS in Meta.fields."""

    # Fields of the form's own model shown after the cost (an activity's price).
    cost_details: tuple[str, ...] = ()

    def access_and_cost_fields(self):
        cost = flags.FORM_FIELDS.index("cost") + 1
        names = (*flags.FORM_FIELDS[:cost], *self.cost_details, *flags.FORM_FIELDS[cost:])
        return [self[name] for name in names]


class OrganisationEditForm(AccessAndCostFields, PersonalDataPreviewMixin, forms.ModelForm):
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
            "enterprise_number",
            "opening_hours",
            "languages",
            "network_models",
            *flags.FORM_FIELDS,
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
