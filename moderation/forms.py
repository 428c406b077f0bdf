from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Report
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
