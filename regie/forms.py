from django import forms
from django.utils.translation import gettext_lazy as _

from .indicators import DEFAULT_DISTANCE, DEFAULT_FILTER, DISTANCES, REACH_FILTERS
from .selectors import OUT_OF_REACH, SORT_KEYS, indicators


class CoordinationForm(forms.Form):
    """What the map and the table show; read from GET, works without JavaScript."""

    indicator = forms.ChoiceField(label=_("Show"), required=False)
    filter = forms.ChoiceField(
        label=_("Reach of"),
        required=False,
        choices=[(f.code, f.label) for f in REACH_FILTERS],
    )
    distance = forms.TypedChoiceField(
        label=_("Within walking distance"),
        required=False,
        coerce=int,
        choices=[(d, _("%(meters)s m") % {"meters": d}) for d in DISTANCES],
    )
    per_thousand = forms.BooleanField(label=_("per 1,000 residents"), required=False)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORT_KEYS])
    order = forms.ChoiceField(required=False, choices=[("desc", "desc"), ("asc", "asc")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.code, i.label) for i in indicators()]

    def choice(self) -> dict:
        """The valid choices, defaults for whatever is missing or wrong."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "indicator": data.get("indicator") or OUT_OF_REACH,
            "filter_code": data.get("filter") or DEFAULT_FILTER,
            "distance": data.get("distance") or DEFAULT_DISTANCE,
            "per_thousand": bool(data.get("per_thousand")),
            "sort": data.get("sort") or "out",
            "descending": (data.get("order") or "desc") == "desc",
        }
