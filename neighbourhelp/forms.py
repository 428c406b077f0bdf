from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from core.forms import PersonalDataPreviewMixin
from core.validators import pseudonym_normalised, validate_pseudonym

from .models import Category, HelpLanguage, HelpMessage, TimeSlot


def _has_words(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


class _AddressMixin(forms.Form):
    address = forms.CharField(
        label=_("Your address"),
        max_length=200,
        help_text=_(
            "Only used to work out distances. Nobody sees it: others see an area of about "
            '250 m and a distance like "under 500 m".'
        ),
    )


class HelpOfferForm(PersonalDataPreviewMixin, _AddressMixin):
    personal_data_fields = ("description", "in_return")

    categories = forms.MultipleChoiceField(
        label=_("What you can help with"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    times = forms.MultipleChoiceField(
        label=_("When you are available"),
        choices=TimeSlot.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you speak"),
        choices=HelpLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["nl"],
    )
    max_distance_m = forms.IntegerField(
        label=_("How far you will go (metres)"),
        initial=1000,
        validators=[MinValueValidator(100), MaxValueValidator(10_000)],
        help_text=_(
            "Between 100 m and 10 km. To keep your home private, we measure from the 250 m "
            "square you live in, not from your front door: the real distance can be a few "
            "hundred metres more or less."
        ),
    )
    capacity_per_month = forms.IntegerField(
        label=_("At most this many helps a month"),
        initial=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("Between 1 and 10. Your offer pauses itself when you reach it."),
    )
    description = forms.CharField(
        label=_("About your offer"), max_length=2000, required=False, widget=forms.Textarea
    )
    in_return = forms.CharField(
        label=_("What you would enjoy in return (optional)"), max_length=300, required=False
    )

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if text and not _has_words(text):
            raise forms.ValidationError(_("Write a few words, not only symbols or emoji."))
        return text


class HelpRequestForm(PersonalDataPreviewMixin, _AddressMixin):
    personal_data_fields = ("description", "give_back")

    on_behalf_of = forms.CharField(
        label=_("On behalf of (a first name or pseudonym, never a full name)"),
        max_length=40,
        required=False,
    )
    category = forms.ChoiceField(label=_("What kind of help"), choices=Category.choices)
    times = forms.MultipleChoiceField(
        label=_("When"),
        choices=TimeSlot.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        choices=HelpLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    description = forms.CharField(label=_("What you need"), max_length=2000, widget=forms.Textarea)
    give_back = forms.CharField(
        label=_("What could you give back?"),
        max_length=300,
        required=False,
        help_text=_("A cup of coffee, a cake, help with something you are good at…"),
    )

    def __init__(self, *args, on_behalf: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not on_behalf:
            del self.fields["on_behalf_of"]

    def clean_on_behalf_of(self):
        # The model checks it too (every way in); here it is shown before the address is looked up.
        value = pseudonym_normalised(self.cleaned_data["on_behalf_of"])
        if value:
            validate_pseudonym(value)
        return value

    def clean_description(self):
        text = self.cleaned_data["description"].strip()
        if not _has_words(text):
            raise forms.ValidationError(_("Write a few words, not only symbols or emoji."))
        return text


class HelpMessageForm(forms.ModelForm):
    class Meta:
        model = HelpMessage
        fields = ["body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 3})}


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(choices=[("accept", _("Yes")), ("decline", _("No"))])
