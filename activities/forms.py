"""Forms of the activity pages: the activity editor (with a plain-language repeat builder),
the agenda filters, registration and cancellation."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from buurt import flags
from buurt.forms import AccessAndCostFields
from buurt.models import Language, Neighbourhood

from .models import Activity, validate_time_zone
from .selectors import AgendaFilter

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MAX_DATES = 100


REPEAT_CHOICES = [
    ("none", _("Once")),
    ("weekly", _("Every week on the same day")),
    ("biweekly", _("Every two weeks on the same day")),
    ("monthly", _("Every month on the same weekday (e.g. the first Monday)")),
    ("custom", _("Another rule (RFC 5545)")),
]


def _parse_dates(text: str) -> list[str]:
    """One date a line (2026-12-24 or 24/12/2026) → ISO dates; ValidationError otherwise."""
    days = []
    for line in re.split(r"[\n,;]+", text or ""):
        line = line.strip()
        if not line:
            continue
        day = None
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
            try:
                day = datetime.datetime.strptime(line, pattern).date()
                break
            except ValueError:
                continue
        if day is None:
            raise ValidationError(
                _("%(value)s is not a date (use 2026-12-24 or 24/12/2026)."),
                params={"value": line[:40]},
                code="date",
            )
        days.append(day.isoformat())
    if len(days) > MAX_DATES:
        raise ValidationError(_("At most %(max)d dates."), params={"max": MAX_DATES})
    return sorted(set(days))


def build_rule(repeat: str, *, start: datetime.date, until, count, custom: str) -> str:
    if repeat == "none":
        return ""
    if repeat == "custom":
        return custom.strip().removeprefix("RRULE:")
    day = WEEKDAYS[start.weekday()]
    if repeat == "weekly":
        rule = f"FREQ=WEEKLY;BYDAY={day}"
    elif repeat == "biweekly":
        rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"
    else:
        nth = (start.day - 1) // 7 + 1
        rule = f"FREQ=MONTHLY;BYDAY={nth if nth < 5 else -1}{day}"
    if until:
        rule += f";UNTIL={until:%Y%m%d}T235959"
    elif count:
        rule += f";COUNT={count}"
    return rule


# Who an activity suits, what it costs and how to get in: in the form and in the admin.
FIT_FIELDS = (
    *flags.FORM_FIELDS,
    "price",
    "languages",
    "no_dutch_needed",
    "come_alone",
    "welcome_person",
    "welcome_person_name",
    "age_group",
    "audience",
    "network_models",
)


class ActivityForm(AccessAndCostFields, forms.ModelForm):
    cost_details = ("price",)

    date = forms.DateField(label=_("Date (the first date of a series)"))
    start_time = forms.TimeField(label=_("From"))
    end_time = forms.TimeField(label=_("Until"))
    repeat = forms.ChoiceField(label=_("Repeats"), choices=REPEAT_CHOICES, initial="none")
    until = forms.DateField(label=_("Repeat until (date)"), required=False)
    count = forms.IntegerField(
        label=_("Or a number of times"), required=False, min_value=1, max_value=1000
    )
    rule = forms.CharField(
        label=_("Repeat rule"),
        required=False,
        max_length=300,
        help_text=_("Only for 'another rule', e.g. FREQ=MONTHLY;BYDAY=1MO,3MO"),
    )
    exceptions = forms.CharField(
        label=_("Dates without the activity"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One date a line, e.g. 2026-12-29."),
    )
    extras = forms.CharField(
        label=_("Extra dates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One date a line, at the same hour."),
    )

    class Meta:
        model = Activity
        fields = [
            "title",
            "description",
            "category",
            "picture",
            "venue",
            "street_address",
            "postcode",
            "city",
            "time_zone",
            "contact_email",
            "contact_phone",
            *FIT_FIELDS,
            "registration_required",
            "capacity",
        ]
        widgets = {
            "languages": forms.CheckboxSelectMultiple,
            "network_models": forms.CheckboxSelectMultiple,
            "capacity": forms.NumberInput(attrs={"min": 1}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].required = False
        activity = self.instance
        if activity.pk and activity.starts_at:
            zone = zoneinfo.ZoneInfo(activity.time_zone)
            start = activity.starts_at.astimezone(zone)
            self.initial.update(
                date=start.date(),
                start_time=start.time(),
                end_time=activity.ends_at.astimezone(zone).time(),
                repeat="custom" if activity.rrule else "none",
                rule=activity.rrule,
                exceptions="\n".join(activity.exception_dates),
                extras="\n".join(activity.extra_dates),
            )

    def clean_time_zone(self):
        value = self.cleaned_data.get("time_zone") or "Europe/Brussels"
        validate_time_zone(value)
        return value

    def clean_exceptions(self):
        return _parse_dates(self.cleaned_data.get("exceptions"))

    def clean_extras(self):
        return _parse_dates(self.cleaned_data.get("extras"))

    def clean(self):
        data = super().clean()
        day, start, end = data.get("date"), data.get("start_time"), data.get("end_time")
        zone_name = data.get("time_zone")
        if day and start and end and zone_name:
            zone = zoneinfo.ZoneInfo(zone_name)
            starts = datetime.datetime.combine(day, start, zone)
            ends = datetime.datetime.combine(day, end, zone)
            if ends <= starts:
                self.add_error("end_time", _("The end must be after the start."))
            self.instance.starts_at, self.instance.ends_at = starts, ends
            repeat = data.get("repeat")
            if repeat == "custom" and not data.get("rule"):
                self.add_error("rule", _("Give the rule, or choose how often it repeats."))
            self.instance.rrule = build_rule(
                repeat,
                start=day,
                until=data.get("until"),
                count=data.get("count"),
                custom=data.get("rule") or "",
            )
            if data.get("until") and data["until"] < day:
                self.add_error("until", _("The last date must come after the first."))
        self.instance.exception_dates = data.get("exceptions") or []
        self.instance.extra_dates = data.get("extras") or []
        return data

    # Errors of the model's whole-schedule check, shown next to the field people filled in.
    FIELD_FOR_MODEL_ERROR = {"ends_at": "end_time", "starts_at": "date", "rrule": "repeat"}

    def _update_errors(self, errors):
        """The model's own clean() speaks of starts_at/ends_at/rrule: point at our fields."""
        if hasattr(errors, "error_dict"):
            remapped = {}
            for name, messages in errors.error_dict.items():
                field = self._form_field(name)
                if field in self.errors:
                    continue  # already said, in the form's words
                remapped.setdefault(field, []).extend(messages)
            errors = ValidationError(remapped)
        super()._update_errors(errors)

    def _form_field(self, name: str) -> str | None:
        field = self.FIELD_FOR_MODEL_ERROR.get(name, name)
        if field == "repeat" and self.cleaned_data.get("repeat") == "custom":
            field = "rule"
        return field if field in self.fields else None

    def add_model_errors(self, error: ValidationError) -> None:
        for name, messages in error.message_dict.items():
            self.add_error(self._form_field(name), messages)


class CancelForm(forms.Form):
    notice = forms.CharField(
        label=_("Notice for visitors"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RegisterForm(forms.Form):
    name = forms.CharField(
        label=_("First name or pseudonym of the person you register"),
        max_length=60,
        required=False,
    )


WHEN_CHOICES = [
    ("", _("Any time")),
    ("today", _("Today")),
    ("week", _("This week")),
    ("weekend", _("This weekend")),
    ("dates", _("Between two dates")),
]


class AgendaFilterForm(forms.Form):
    when = forms.ChoiceField(label=_("When"), choices=WHEN_CHOICES, required=False)
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    category = forms.MultipleChoiceField(
        label=_("Category"),
        choices=Activity.Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    neighbourhood = forms.ModelChoiceField(
        label=_("Neighbourhood"),
        queryset=Neighbourhood.objects.order_by("name"),
        to_field_name="code",
        required=False,
    )
    reduced_rate = forms.BooleanField(label=_("Free or reduced rate"), required=False)
    access = forms.MultipleChoiceField(
        label=_("Accessibility"),
        choices=flags.access_choices(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.ModelMultipleChoiceField(
        label=_("Language spoken"), queryset=Language.objects.all(), required=False
    )
    come_alone = forms.BooleanField(label=_("You can come alone"), required=False)

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The last day must come after the first."))
        if start and end and (end - start).days > 366:
            self.add_error("date_to", _("Choose at most a year."))
        return data

    def to_filter(self, *, today: datetime.date) -> AgendaFilter:
        data = self.cleaned_data
        first = last = None
        when = data.get("when")
        if when == "today":
            first = last = today
        elif when == "week":
            first, last = today, today + datetime.timedelta(days=6 - today.weekday())
        elif when == "weekend":
            first = today + datetime.timedelta(days=max(0, 5 - today.weekday()))
            last = today + datetime.timedelta(days=6 - today.weekday())
        elif when == "dates" or data.get("date_from") or data.get("date_to"):
            first, last = data.get("date_from"), data.get("date_to")
        return AgendaFilter(
            date_from=first,
            date_to=last,
            categories=tuple(data.get("category") or ()),
            neighbourhood=data["neighbourhood"].code if data.get("neighbourhood") else "",
            reduced_rate=bool(data.get("reduced_rate")),
            access=tuple(data.get("access") or ()),
            languages=tuple(language.code for language in data.get("language") or ()),
            come_alone=bool(data.get("come_alone")),
        )
