from django import forms
from django.utils.translation import gettext_lazy as _

from buurt.models import Organisation

from .models import Membership, WorkerProfile


class WorkerRequestForm(forms.Form):
    profession = forms.ChoiceField(label=_("Profession"), choices=WorkerProfile.Profession.choices)
    employer = forms.ModelChoiceField(
        label=_("Employer organisation"),
        queryset=Organisation.objects.public(),
        help_text=_("Is your employer not listed? Ask a moderator to add it first."),
    )


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
