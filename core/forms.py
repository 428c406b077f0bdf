from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import personal_data


def add_model_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: on the field it names when the form has
    that field, otherwise as a form-wide error."""
    for field, messages in getattr(error, "message_dict", {"": error.messages}).items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


class PersonalDataPreviewMixin:
    """A preview step for forms that publish free text: when a field looks like it holds a
    phone number, e-mail address, IBAN or national register number, the form is shown again
    with a warning, and goes through once the author ticks that they checked it.

        class ActivityForm(PersonalDataPreviewMixin, forms.ModelForm):
            personal_data_fields = ("title", "description")

    Render the warning with {% include "core/_personal_data_warning.html" %}.
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
            (str(self.fields[name].label or name), str(personal_data.KIND_LABELS[f.kind]), f.text)
            for name, findings in self.personal_data_findings.items()
            for f in findings
        ]
