"""The preview step: free text that looks like personal data is shown back with a warning."""

import pytest
from django import forms
from django.template.loader import render_to_string

from buurt.models import Organisation
from core.forms import PersonalDataPreviewMixin

pytestmark = pytest.mark.django_db


class PostForm(PersonalDataPreviewMixin, forms.Form):
    personal_data_fields = ("title", "description")

    title = forms.CharField(label="Title")
    description = forms.CharField(label="Description", widget=forms.Textarea)


class OrganisationDescriptionForm(PersonalDataPreviewMixin, forms.ModelForm):
    personal_data_fields = ("description",)

    class Meta:
        model = Organisation
        fields = ["description"]


def test_ordinary_text_goes_through_without_a_question():
    form = PostForm({"title": "Soep op vrijdag", "description": "Elke vrijdag om 12.00 uur."})
    assert form.is_valid()
    assert form.personal_data_warnings == []
    assert 'type="hidden" name="personal_data_confirmed"' in str(form)
    assert render_to_string("core/_personal_data_warning.html", {"form": form}).strip() == ""


def test_personal_data_is_shown_back_with_a_warning():
    form = PostForm(
        {
            "title": "Hulp gezocht <b>nu</b>",
            "description": "Bel Mieke: 0470 12 34 56 of mieke@example.be <script>x</script>",
        }
    )

    assert not form.is_valid()
    assert form.has_error(forms.forms.NON_FIELD_ERRORS, code="personal_data")
    assert form.personal_data_warnings == [
        ("Description", "a phone number", "0470 12 34 56"),
        ("Description", "an e-mail address", "mieke@example.be"),
    ]
    assert 'type="checkbox" name="personal_data_confirmed"' in str(form)
    warning = render_to_string("core/_personal_data_warning.html", {"form": form})
    assert "Description: a phone number “0470 12 34 56”" in warning
    assert "<script>" not in warning


def test_the_author_may_publish_after_checking():
    data = {"title": "Kassa", "description": "Betalen op BE68 5390 0754 7034."}
    assert not PostForm(data).is_valid()
    confirmed = PostForm(data | {"personal_data_confirmed": "on"})
    assert confirmed.is_valid()
    assert confirmed.cleaned_data["description"] == data["description"]


def test_the_mixin_works_on_model_forms():
    form = OrganisationDescriptionForm({"description": "RRN 85.07.30-033.28"})
    assert not form.is_valid()
    assert form.personal_data_warnings[0][1] == "a national register number"
