from django import forms
from django.utils.translation import gettext_lazy as _

from . import personal_data
from .models import Report
from .selectors import KIND_LABELS
from .services import Decision


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong?"), choices=Report.Reason.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(
        label=_("Anything else the moderators should know (optional)"),
        help_text=_("Only the moderators read this. The author does not see who reported."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=1000,
        required=False,
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=Decision.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason for the author"),
        help_text=_("E-mailed to the author. Needed to reject or hide."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        rejects = cleaned.get("decision") in (Decision.REJECT, Decision.HIDE)
        if rejects and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Tell the author why."))
        return cleaned


class PersonalDataPreviewMixin:
    """A preview step for forms that publish free text: when a field looks like it holds a
    phone number, e-mail address, IBAN or national register number, the form is shown again
    with a warning, and goes through once the author ticks that they checked it.

        class ActivityForm(PersonalDataPreviewMixin, forms.ModelForm):
            personal_data_fields = ("title", "description")

    Render the warning with {% include "moderation/_personal_data_warning.html" %}.
    """

    personal_data_fields: tuple[str, ...] = ()
    confirm_field = "personal_data_confirmed"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.personal_data_findings: dict[str, list[personal_data.Finding]] = {}
        # Hidden until there is something to confirm.
        self.fields[self.confirm_field] = forms.BooleanField(
            label=_("I checked this: it is no one's private data. Publish it."),
            required=False,
            widget=forms.HiddenInput,
        )

    def clean(self):
        cleaned = super().clean()
        self.personal_data_findings = personal_data.find_in_fields(
            {name: cleaned.get(name) for name in self.personal_data_fields}
        )
        if self.personal_data_findings:
            self.fields[self.confirm_field].widget = forms.CheckboxInput()
            if not cleaned.get(self.confirm_field):
                raise forms.ValidationError(
                    _(
                        "This text looks like it contains personal data. Check it before "
                        "publishing: everyone can read it."
                    ),
                    code="personal_data",
                )
        return cleaned

    @property
    def personal_data_warnings(self) -> list[tuple[str, str, str]]:
        """(field label, kind label, the text found) for the template."""
        return [
            (str(self.fields[name].label or name), str(KIND_LABELS[f.kind]), f.text)
            for name, findings in self.personal_data_findings.items()
            for f in findings
        ]
