import io

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from buurt.organisation_files import ImportFileError, parse_mapping, read_organisation_file
from buurt.organisation_import import DEFAULT_SOURCE_LABEL

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


class OrganisationImportForm(forms.Form):
    """A list of organisations to load (buurt.organisation_files), checked as a whole: the
    file must be readable and its mapping valid before any report is shown."""

    SUFFIXES = (".csv", ".txt", ".xlsx", ".json")

    file = forms.FileField(
        label=_("The list"),
        help_text=_("A spreadsheet saved as CSV or XLSX, or an HSDS 3.0 JSON file."),
    )
    mapping = forms.CharField(
        label=_("Columns with other names (optional)"),
        help_text=_(
            "One per line, as COLUMN=field, e.g. “Naam vzw=name”; “Opmerking=-” leaves a "
            "column out."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )
    source = forms.SlugField(
        label=_("Short name of this list"),
        help_text=_(
            "Rows are matched by their id within this list when it is loaded again. Give each "
            "municipality's list its own name."
        ),
        initial=DEFAULT_SOURCE_LABEL,
        max_length=40,
    )
    publish = forms.BooleanField(
        label=_("Publish the new listings at once (otherwise they wait in the moderation queue)"),
        required=False,
    )

    def __init__(self, *args, can_publish: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_publish:
            del self.fields["publish"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.ORGANISATION_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(size)s. Split the list, or save it as CSV.")
                % {"size": filesizeformat(limit)}
            )
        if not upload.name.lower().endswith(self.SUFFIXES):
            raise forms.ValidationError(
                _("Upload a .csv, .xlsx or .json file (HSDS 3.0), not %(name)s.")
                % {"name": upload.name}
            )
        return upload

    def clean_mapping(self):
        lines = [line for line in self.cleaned_data["mapping"].splitlines() if line.strip()]
        try:
            return parse_mapping(lines)
        except ImportFileError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        upload, mapping = cleaned.get("file"), cleaned.get("mapping")
        if upload is None or mapping is None:
            return cleaned
        data = upload.read()
        try:
            cleaned["parsed"] = read_organisation_file(
                io.BytesIO(data), filename=upload.name, mapping=mapping
            )
        except ImportFileError as error:
            self.add_error("file", str(error))
        cleaned["data"] = data
        return cleaned
