"""The network map's forms. The map itself lives in the page: a formset of ties posted back
on every button (add, remove, draw), so that it works without JavaScript and nothing is kept
on the server until the worker saves it with the person's consent."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import personal_data
from core.validators import pseudonym_normalised, validate_pseudonym

from .models import MAX_TIES, Frequency, Gives, Missing, Quality, Ring, Sector, Tie

TIE_PREFIX = "tie"
# A first name or a role, up to three words ("Anna", "tante Rosa", "the GP", "Jan D."): no
# digits or signs, so no phone number, house number or markup.
_TIE_NAME = re.compile(r"^[^\W\d_]+(?:[-'][^\W\d_]+)*\.?(?: [^\W\d_]+(?:[-'][^\W\d_]+)*\.?){0,2}$")


def _choices(choices):
    return [("", "—"), *choices]


class TieForm(forms.Form):
    name = forms.CharField(
        label=_("First name or role"),
        max_length=30,
        help_text=_('For example "Anna", "sister", "neighbour", "GP". No surnames.'),
    )
    sector = forms.ChoiceField(
        label=_("Where in the person's life"), choices=_choices(Sector.choices)
    )
    ring = forms.ChoiceField(label=_("How close"), choices=_choices(Ring.choices))
    frequency = forms.ChoiceField(
        label=_("How often they see each other"), choices=_choices(Frequency.choices)
    )
    quality = forms.ChoiceField(
        label=_("Is the contact good for the person?"), choices=_choices(Quality.choices)
    )
    gives = forms.MultipleChoiceField(
        label=_("What it gives"),
        choices=Gives.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not _TIE_NAME.match(name):
            raise ValidationError(
                _("A first name or a role in at most three words, without numbers or signs."),
                code="tie_name",
            )
        return name

    def tie(self) -> Tie:
        """The tie as an unsaved model instance: what the drawing and the services read."""
        data = self.cleaned_data
        return Tie(
            name=data["name"],
            sector=data["sector"],
            ring=data["ring"],
            frequency=data["frequency"],
            quality=data["quality"],
            gives=list(data["gives"]),
        )


class BaseTieFormSet(forms.BaseFormSet):
    def ties(self) -> list[Tie]:
        """The filled-in rows of a valid formset, in order (blank new rows are skipped)."""
        return [form.tie() for form in self.forms if form.is_valid() and form.cleaned_data]


TieFormSet = forms.formset_factory(
    TieForm,
    formset=BaseTieFormSet,
    extra=0,
    max_num=MAX_TIES,
    validate_max=True,
    absolute_max=MAX_TIES,
)


def tie_data(ties, *, prefix: str = TIE_PREFIX) -> dict:
    """Formset data for saved ties: a saved map's latest drawing, opened again for a visit."""
    data: dict = {f"{prefix}-TOTAL_FORMS": str(len(ties)), f"{prefix}-INITIAL_FORMS": "0"}
    for i, tie in enumerate(ties):
        for name in ("name", "sector", "ring", "frequency", "quality"):
            data[f"{prefix}-{i}-{name}"] = getattr(tie, name)
        data[f"{prefix}-{i}-gives"] = list(tie.gives)
    return data


def _total(data, prefix: str) -> int:
    try:
        return max(0, min(int(data.get(f"{prefix}-TOTAL_FORMS", 0)), MAX_TIES))
    except (TypeError, ValueError):
        return 0


def with_row_added(data, *, prefix: str = TIE_PREFIX) -> dict:
    """The posted data with one blank row more (the "Add a tie" button)."""
    changed = _plain(data)
    changed[f"{prefix}-TOTAL_FORMS"] = str(min(_total(data, prefix) + 1, MAX_TIES))
    changed[f"{prefix}-INITIAL_FORMS"] = "0"
    return changed


def with_row_removed(data, index: int, *, prefix: str = TIE_PREFIX) -> dict:
    """The posted data without row `index` (a "Remove" button); later rows move up."""
    total = _total(data, prefix)
    changed = {k: v for k, v in _plain(data).items() if not k.startswith(f"{prefix}-")}
    kept = [i for i in range(total) if i != index]
    for new, old in enumerate(kept):
        for name in ("name", "sector", "ring", "frequency", "quality", "gives"):
            key = f"{prefix}-{old}-{name}"
            if key in data:
                changed[f"{prefix}-{new}-{name}"] = (
                    data.getlist(key) if name == "gives" and hasattr(data, "getlist") else data[key]
                )
    changed[f"{prefix}-TOTAL_FORMS"] = str(len(kept))
    changed[f"{prefix}-INITIAL_FORMS"] = "0"
    return changed


def _plain(data) -> dict:
    """A QueryDict as a dict of values, lists where a key has several (checkboxes)."""
    if not hasattr(data, "lists"):
        return dict(data)
    return {
        key: values if len(values) > 1 or key.endswith("-gives") or key == "missing" else values[0]
        for key, values in data.lists()
    }


class MissingForm(forms.Form):
    missing = forms.MultipleChoiceField(
        label=_("What would the person like more of?"),
        choices=Missing.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class SaveForm(forms.Form):
    """Keeping the map: only with the person's consent, under a pseudonym."""

    pseudonym = forms.CharField(
        label=_("First name or pseudonym of the person"),
        max_length=30,
        required=False,
        help_text=_("One word and an initial at most: never a surname."),
    )
    consent = forms.BooleanField(
        label=_("The person agreed that I keep this map to look at it together again."),
        required=False,
    )
    health_confirmed = forms.BooleanField(
        label=_("I checked: the names and roles hold no health information."),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, first_save: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.health_findings: list[personal_data.Finding] = []
        if not first_save:
            # A saved map's next visit: the consent and the pseudonym are on record.
            del self.fields["pseudonym"]
            del self.fields["consent"]

    def check(self, ties) -> bool:
        """Valid for saving these ties: consent, a pseudonym, and no health information in a
        name unless the worker confirms it is none (the referral note's rule)."""
        if not self.is_valid():
            return False
        data = self.cleaned_data
        if "pseudonym" in self.fields:
            pseudonym = pseudonym_normalised(data.get("pseudonym") or "")
            if not pseudonym:
                self.add_error("pseudonym", _("Give a first name or pseudonym."))
            else:
                try:
                    validate_pseudonym(pseudonym)
                except ValidationError as error:
                    self.add_error("pseudonym", error)
                else:
                    data["pseudonym"] = pseudonym
        if "consent" in self.fields and not data.get("consent"):
            self.add_error("consent", _("Save the map only when the person agrees."))
        text = " · ".join([data.get("pseudonym") or ""] + [tie.name for tie in ties])
        self.health_findings = personal_data.find_health_terms(text)
        if self.health_findings:
            self.fields["health_confirmed"].widget = forms.CheckboxInput()
            if not data.get("health_confirmed"):
                self.add_error(
                    None,
                    ValidationError(
                        _(
                            "This looks like health information (%(words)s). A saved map holds "
                            'none: write a role such as "doctor" or "counsellor", or confirm '
                            "below that it is not health information."
                        )
                        % {"words": ", ".join(f.text for f in self.health_findings)},
                        code="health",
                    ),
                )
        if not ties:
            self.add_error(None, _("Draw at least one tie before saving."))
        return not self.errors


class FindForm(forms.Form):
    """The search for what is missing: the address is typed here and only passed on in the
    search URL, never stored (request logs leave query strings out)."""

    address = forms.CharField(label=_("The person's address or street"), max_length=200)
    missing = forms.ChoiceField(choices=Missing.choices)
