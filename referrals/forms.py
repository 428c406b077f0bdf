from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import personal_data
from core.validators import pseudonym_normalised, validate_pseudonym

from .models import FirstContact, FollowUp, GiveBack, Need, Referral
from .services import Decision


class ReferralForm(forms.Form):
    pseudonym = forms.CharField(
        label=_("First name or pseudonym"),
        max_length=30,
        help_text=_(
            "Only a first name or a pseudonym, never a surname, address or national number: "
            "professional secrecy applies."
        ),
    )
    needs = forms.MultipleChoiceField(
        label=_("What is the person looking for?"),
        choices=Need.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Anything the association should know (optional)"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Practical things only (prefers mornings, comes by bus). No medical reasons or "
            "diagnoses."
        ),
    )
    first_contact = forms.ChoiceField(
        label=_("How should the first contact happen?"),
        choices=FirstContact.choices,
        widget=forms.RadioSelect,
        initial=FirstContact.CALL_WORKER,
    )
    give_back = forms.ChoiceField(
        label=_("What could the person give back there? (optional)"),
        choices=[("", _("Nothing for now"))] + GiveBack.choices,
        required=False,
        help_text=_(
            "Many people like to contribute something small. It is a suggestion, never a condition."
        ),
    )
    consent = forms.BooleanField(
        label=_("My client agreed to be introduced to this association."),
        required=True,
    )
    health_confirmed = forms.BooleanField(
        label=_("I checked: the note holds no health information."),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(
        self,
        *args,
        activities=(),
        companions=(),
        organisations=None,
        suggestion="",
        network_maps=(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.health_findings: list[personal_data.Finding] = []
        if suggestion:
            # Prompted, never pre-selected: the person decides.
            self.fields["give_back"].help_text = _(
                "Many people like to contribute something small; here, for example: "
                "%(suggestion)s. It is a suggestion, never a condition."
            ) % {"suggestion": GiveBack(suggestion).label.lower()}
        if organisations is not None:
            self.fields["organisation"] = forms.TypedChoiceField(
                label=_("Association"),
                choices=[(o.pk, o.name) for o in organisations],
                coerce=int,
            )
            self.order_fields(["organisation"])
        if activities:
            self.fields["activity"] = forms.TypedChoiceField(
                label=_("Activity (optional)"),
                choices=[("", _("No particular activity"))] + [(a.pk, a.title) for a in activities],
                coerce=int,
                required=False,
                empty_value=None,
            )
        self.fields["companion"] = forms.TypedChoiceField(
            label=_("Who could go along the first time? (optional)"),
            choices=[("", _("No companion"))] + list(companions),
            coerce=int,
            required=False,
            empty_value=None,
            help_text=_(
                "Neighbours from the help board who offer company or to be a buddy. They are "
                "asked and must say yes too."
            ),
        )
        if network_maps:
            # The worker's own saved maps; the association never sees which one.
            self.fields["network_map"] = forms.TypedChoiceField(
                label=_("Started from a network map (optional)"),
                choices=[("", _("No network map"))] + list(network_maps),
                coerce=int,
                required=False,
                empty_value=None,
                help_text=_("Only you see the map; the association does not."),
            )
        self.order_fields(["organisation", "activity", "pseudonym", "needs", "note"])

    def clean_pseudonym(self):
        value = pseudonym_normalised(self.cleaned_data["pseudonym"])
        validate_pseudonym(value)
        return value

    def clean_note(self):
        note = self.cleaned_data["note"]
        found = personal_data.find_personal_data(note) + personal_data.find_street_addresses(note)
        if found:
            raise forms.ValidationError(
                _(
                    "Leave contact details and numbers out (%(found)s): the association "
                    "contacts you through Buurtkaart."
                )
                % {"found": ", ".join(f.text for f in found)},
                code="personal_data",
            )
        return note

    def clean(self):
        cleaned = super().clean()
        self.health_findings = personal_data.find_health_terms(cleaned.get("note") or "")
        if self.health_findings:
            self.fields["health_confirmed"].widget = forms.CheckboxInput()
            if not cleaned.get("health_confirmed"):
                self.add_error(
                    "note",
                    forms.ValidationError(
                        _(
                            "This looks like health information (%(words)s). Medical reasons "
                            "do not belong in a referral: remove them, or confirm below that "
                            "it is not health information."
                        )
                        % {"words": ", ".join(f.text for f in self.health_findings)},
                        code="health",
                    ),
                )
        return cleaned


class RespondForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Your answer"),
        choices=[
            (Decision.ACCEPT, _("Welcome: we will make contact as asked")),
            (Decision.PROPOSE, _("Welcome: we propose a first moment")),
            (Decision.DECLINE, _("We cannot take this on")),
        ],
        widget=forms.RadioSelect,
    )
    moment = forms.DateTimeField(
        label=_("First moment (for a proposal)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    reason = forms.ChoiceField(
        label=_("Reason (when declining)"),
        choices=[("", "—")] + Referral.DeclineReason.choices,
        required=False,
    )
    note = forms.CharField(
        label=_("Message to the worker (optional)"),
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_moment(self):
        moment = self.cleaned_data["moment"]
        if moment is not None and timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        return moment


class FollowUpForm(forms.Form):
    answer = forms.ChoiceField(choices=[c for c in FollowUp.Answer.choices if c[0]])
