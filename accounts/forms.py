from django import forms
from django.contrib.gis import forms as gis_forms
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from buurt.duplicates import website_key
from buurt.forms import OrganisationEditForm
from buurt.models import Organisation
from spatial.widgets import LocalOSMWidget

from .joining import email_fits_website
from .models import Membership, OrganisationClaim, WorkerProfile

PHONE_DIGITS = 8  # the shortest Belgian or Dutch number with its area code: 09 123 45 67


class WorkerRequestForm(forms.Form):
    """What a moderator needs to decide: where the person works (from the list, or by name),
    a work e-mail address (confirmed by a link sent to it) and a phone number to check."""

    profession = forms.ChoiceField(label=_("Profession"), choices=WorkerProfile.Profession.choices)
    employer = forms.ModelChoiceField(
        label=_("Employer organisation"),
        queryset=Organisation.objects.public(),
        required=False,
        empty_label=_("— not in the list —"),
    )
    employer_name = forms.CharField(
        label=_("Employer, if not in the list"),
        max_length=200,
        required=False,
        help_text=_("The name and town, for example: OCMW Gent, Sociale dienst."),
    )
    work_email = forms.EmailField(
        label=_("Work e-mail address"),
        help_text=_("We send a link to this address: open it to confirm it is yours."),
    )
    phone = forms.CharField(
        label=_("Phone number for a check"),
        max_length=40,
        help_text=_("A moderator may call your employer or you at this number, e.g. 09 266 35 00."),
    )

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        digits = sum(c.isdigit() for c in phone)
        if digits < PHONE_DIGITS or any(not (c.isdigit() or c in " +()./-") for c in phone):
            raise forms.ValidationError(
                _("Give a phone number with its area code, for example 09 266 35 00.")
            )
        return phone

    def clean(self):
        data = super().clean()
        data["employer_name"] = (data.get("employer_name") or "").strip()
        if data.get("employer") is None and not data["employer_name"]:
            self.add_error(
                "employer_name", _("Choose your employer from the list, or type its name.")
            )
        elif data.get("employer") is not None:
            data["employer_name"] = ""
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.EDITOR,
        help_text=_("Editors keep the profile and activities; administrators also manage members."),
    )


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class LeaveForm(forms.Form):
    """The last admin names a successor; others just confirm."""

    successor = forms.ModelChoiceField(
        label=_("New administrator"),
        queryset=Membership.objects.none(),
        required=False,
        help_text=_("You are the last administrator: choose who takes over."),
    )

    def __init__(self, *args, others=None, needs_successor=False, **kwargs):
        super().__init__(*args, **kwargs)
        if needs_successor:
            self.fields["successor"].queryset = others
            self.fields["successor"].required = True
            self.fields["successor"].label_from_instance = lambda m: str(m.user)
        else:
            del self.fields["successor"]


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("This is not your password."))
        return password


class OrganisationRegisterForm(OrganisationEditForm):
    """ "Zet je vereniging op de kaart": a short form for a volunteer on a phone. What the
    members keep later (OrganisationEditForm), with the name and the kind; everything past
    the address and a few words is optional."""

    # Ticked by the "None of these is ours" button when similar listings were offered.
    not_a_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta(OrganisationEditForm.Meta):
        fields = ["name", "kind", *OrganisationEditForm.Meta.fields]
        labels = {
            "name": _("Name of the association"),
            "kind": _("What kind of association is it?"),
            "description": _("What do you do? In plain words"),
            "opening_hours": _("When? Days and hours"),
        }
        help_texts = {
            **OrganisationEditForm.Meta.help_texts,
            "description": _("Say who is welcome and what happens, as you would tell a neighbour."),
            "opening_hours": _("For example: every Tuesday from 19:30 to 22:00."),
            "network_models": _(
                "Optional. How your association helps people who feel alone to make contacts. "
                "Tick what fits; social workers use it to find the right place for someone."
            ),
            "welcome_person": _("Someone who meets newcomers at the door and shows them around."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The duplicate check and placing need a place: the postcode and the municipality.
        for name in ("postcode", "city"):
            self.fields[name].required = True
        self.fields["content_language"].required = False
        self.fields["content_language"].widget = forms.HiddenInput()

    def clean_content_language(self):
        return self.cleaned_data.get("content_language") or Organisation.ContentLanguage.NL


class OrganisationPlaceForm(forms.Form):
    """Where exactly: drag the marker (with JavaScript), or type the coordinates."""

    point = gis_forms.PointField(
        label=_("Drag the marker to the entrance"),
        srid=4326,
        required=False,
        widget=LocalOSMWidget(attrs={"geom_type": "POINT"}),
    )
    latitude = forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=49.4,
        max_value=53.6,
        help_text=_("For example 51.0543"),
    )
    longitude = forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=2.5,
        max_value=7.3,
        help_text=_("For example 3.7196"),
    )

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            raise forms.ValidationError(_("Give both the latitude and the longitude."))
        if latitude is not None:
            cleaned["point"] = Point(longitude, latitude, srid=4326)
        if not cleaned.get("point"):
            raise forms.ValidationError(_("Put the marker on the map or type the coordinates."))
        return cleaned


class OrganisationClaimForm(forms.ModelForm):
    """ "Is this your association?": your role and some evidence for the moderator."""

    class Meta:
        model = OrganisationClaim
        fields = ["role", "email", "enterprise_number", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        if not website_key(organisation.website) or "/" in website_key(organisation.website):
            del self.fields["email"]  # no domain of its own to prove an address on
        self.fields["enterprise_number"].help_text = _(
            "The Belgian enterprise number (KBO) of the association, if it has one."
        )

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email", "")
        if email and not email_fits_website(email, self.organisation.website):
            self.add_error(
                "email",
                _("Use an address on the association's website domain (%(domain)s).")
                % {"domain": website_key(self.organisation.website)},
            )
        if not (email or cleaned.get("enterprise_number") or cleaned.get("note", "").strip()):
            raise forms.ValidationError(
                _("Give at least one piece of evidence: an e-mail address, the number or a note.")
            )
        return cleaned
