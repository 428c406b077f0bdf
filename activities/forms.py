"""Forms of the activity pages: the activity editor (with a plain-language repeat builder),
the agenda filters, registration and cancellation."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from buurt import flags
from buurt.forms import AccessAndCostFields
from buurt.models import Language, Neighbourhood

from . import recurrence, services
from .models import Activity, validate_time_zone
from .recurrence import Kind
from .selectors import AgendaFilter

MAX_DATES = 100
PREVIEW_DATES = 8

REPEAT_CHOICES = [
    (Kind.ONCE, _("Once")),
    (Kind.WEEKLY, _("Every week")),
    (Kind.BIWEEKLY, _("Every two weeks")),
    (Kind.MONTHLY, _("Once a month, on a weekday (for example the first Monday)")),
    (Kind.DATES, _("On these dates")),
    (Kind.CUSTOM, _("Another rule, written under “Advanced”")),
]
# Typed times: 14:00, 14.00, 14u, 14 u, 14h30, 9u30, 14 uur, 14:00:00 (a browser's time input).
TIME_TYPED = re.compile(
    r"^(?P<hour>\d{1,2})(?:\s*(?:[:.hu]|uur)\s*(?P<minute>\d{2})?(?::\d{2})?)?\s*(?:u|h|uur)?$",
    re.IGNORECASE,
)


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


def parse_time(text: str) -> datetime.time | None:
    """A time as people type it (14u, 14.00, 14h30, 9u30, 14:00); None if it is none."""
    found = TIME_TYPED.match((text or "").strip())
    if not found:
        return None
    hour, minute = int(found["hour"]), int(found["minute"] or 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class TypedTimeField(forms.Field):
    """A time in a text box: a native time input would not take "14u" or "14.00", which is how
    volunteers write times (GOV.UK's design system also asks times in text boxes)."""

    widget = forms.TextInput(
        attrs={"autocomplete": "off", "spellcheck": "false", "size": 8, "maxlength": 12}
    )

    def prepare_value(self, value):
        return f"{value:%H:%M}" if isinstance(value, datetime.time) else value

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        parsed = parse_time(text[:12])
        if parsed is None:
            raise ValidationError(
                _("Write a time as hours and minutes, for example 14:00, 14u or 9u30."),
                code="time",
            )
        return parsed


def _weekday_choices():
    return [(str(day), WEEKDAYS[day]) for day in range(7)]


def _ordinal_choices():
    return [(str(number), label) for number, label in recurrence.ordinal_labels().items()]


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

    date = forms.DateField(
        label=_("Date (the first date of a series)"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
        error_messages={"invalid": _("Write a date, for example 2027-01-04 or 4/1/2027.")},
    )
    start_time = TypedTimeField(label=_("From"), help_text=_("For example 14:00 or 14u."))
    end_time = TypedTimeField(label=_("Until"), help_text=_("For example 16:30 or 16u30."))
    repeat = forms.ChoiceField(
        label=_("Repeats"),
        choices=REPEAT_CHOICES,
        initial=Kind.ONCE,
        widget=forms.RadioSelect,
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On"),
        choices=_weekday_choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Every week or every two weeks: on these days (none: the day of the date)."),
    )
    ordinal = forms.TypedChoiceField(
        label=_("Which one of the month"),
        choices=_ordinal_choices,
        coerce=int,
        required=False,
    )
    month_weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=[("", _("the day of the date")), *_weekday_choices()],
        coerce=int,
        empty_value=None,
        required=False,
    )
    until = forms.DateField(
        label=_("Repeat until (date)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"],
    )
    count = forms.IntegerField(
        label=_("Or a number of times"), required=False, min_value=1, max_value=1000
    )
    extras = forms.CharField(
        label=_("Extra dates"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One date a line, e.g. 2027-01-04, at the same hour. For “on these dates”: every "
            "date after the first."
        ),
    )
    exceptions = forms.CharField(
        label=_("Dates without the activity"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One date a line, e.g. 2026-12-29."),
    )
    rule = forms.CharField(
        label=_("Repeat rule (RFC 5545)"),
        required=False,
        max_length=300,
        help_text=_("Only for “another rule”, e.g. FREQ=MONTHLY;BYDAY=1MO,3MO"),
    )

    # The fields of the "When" part: a preview checks only these.
    SCHEDULE_FIELDS = (
        "date",
        "start_time",
        "end_time",
        "repeat",
        "weekdays",
        "ordinal",
        "month_weekday",
        "until",
        "count",
        "extras",
        "exceptions",
        "rule",
        "time_zone",
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
        self.first_date_moved = False
        activity = self.instance
        if activity.pk and activity.starts_at:
            zone = zoneinfo.ZoneInfo(activity.time_zone)
            start = activity.starts_at.astimezone(zone)
            self.initial.update(
                date=start.date(),
                start_time=start.time(),
                end_time=activity.ends_at.astimezone(zone).time(),
                exceptions="\n".join(activity.exception_dates),
                extras="\n".join(activity.extra_dates),
                **self._repetition_initial(activity.rrule, start.date(), activity.extra_dates),
            )

    @staticmethod
    def _repetition_initial(rule: str, start: datetime.date, extra_dates) -> dict:
        repetition = recurrence.repetition_of(rule, start=start)
        if repetition is None:
            return {"repeat": Kind.CUSTOM, "rule": rule}
        if repetition.kind == Kind.ONCE:
            return {"repeat": Kind.DATES if extra_dates else Kind.ONCE}
        return {
            "repeat": repetition.kind,
            "weekdays": list(repetition.weekdays) if repetition.kind != Kind.MONTHLY else [],
            "ordinal": repetition.ordinal or None,
            "month_weekday": repetition.weekdays[0] if repetition.kind == Kind.MONTHLY else None,
            "until": repetition.until,
            "count": repetition.count,
        }

    @property
    def advanced_open(self) -> bool:
        """Open "Advanced" when it holds a rule or an error: nothing is hidden from whoever
        has to correct it."""
        value = self["repeat"].value()
        return value == Kind.CUSTOM or any(name in self.errors for name in ("rule", "time_zone"))

    def clean_time_zone(self):
        value = self.cleaned_data.get("time_zone") or "Europe/Brussels"
        validate_time_zone(value)
        return value

    def clean_exceptions(self):
        return _parse_dates(self.cleaned_data.get("exceptions"))

    def clean_extras(self):
        return _parse_dates(self.cleaned_data.get("extras"))

    def _rule(self, data: dict, day: datetime.date) -> str:
        repeat = data.get("repeat")
        written = (data.get("rule") or "").strip().removeprefix("RRULE:")
        if repeat == Kind.CUSTOM:
            if not written:
                self.add_error("rule", _("Give the rule, or choose how often it repeats."))
            return written
        if written:
            self.add_error(
                "rule",
                _("Choose “another rule” to use this rule, or empty it."),
            )
        if repeat == Kind.DATES and not data.get("extras"):
            self.add_error("extras", _("Give the other dates, one a line."))
        if data.get("until") and data["until"] < day:
            self.add_error("until", _("The last date must come after the first."))
        if repeat == Kind.MONTHLY:
            weekdays = (
                day.weekday() if data.get("month_weekday") is None else data["month_weekday"],
            )
            if not data.get("ordinal"):
                self.add_error("ordinal", _("Choose which one of the month: first, second, ..."))
                return ""
        else:
            weekdays = tuple(data.get("weekdays") or ()) or (day.weekday(),)
        return recurrence.Repetition(
            kind=repeat if repeat in (Kind.WEEKLY, Kind.BIWEEKLY, Kind.MONTHLY) else Kind.ONCE,
            weekdays=weekdays,
            ordinal=data.get("ordinal") or 0,
            until=data.get("until"),
            count=data.get("count"),
        ).rule()

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
            activity = self.instance
            activity.starts_at, activity.ends_at = starts, ends
            activity.rrule = self._rule(data, day)
            # The first time is the first date the repetition gives from the chosen date on.
            self.first_date_moved = services.activity_start_align(activity)
        self.instance.exception_dates = data.get("exceptions") or []
        self.instance.extra_dates = data.get("extras") or []
        return data

    def keep_schedule_errors_only(self) -> None:
        """For a preview: the other fields are checked when saving, not now."""
        for name in list(self.errors):
            if name not in self.SCHEDULE_FIELDS:
                del self.errors[name]

    def preview(self, *, now: datetime.datetime) -> dict | None:
        """The first date, the summary and the next dates of what the form says, or None
        while the "When" part has errors."""
        if any(name in self.errors for name in self.SCHEDULE_FIELDS) or not self.instance.starts_at:
            return None
        schedule = self.instance.schedule()
        try:
            recurrence.check(schedule)
            recurrence.check_start(schedule)
        except ValidationError as error:
            self.add_error(self._form_field("rrule"), error)
            return None
        local = schedule.starts_at.astimezone(schedule.zone)
        return {
            "first": local,
            "moved": self.first_date_moved,
            "summary": self.instance.schedule_summary,
            "dates": recurrence.next_dates(schedule, now=now, limit=PREVIEW_DATES),
        }

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


ISO_DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
WHEN_CHOICES = [
    ("", _("Any time")),
    ("today", _("Today")),
    ("week", _("This week")),
    ("weekend", _("This weekend")),
    ("dates", _("Between two dates")),
]


class AgendaFilterForm(forms.Form):
    when = forms.ChoiceField(label=_("When"), choices=WHEN_CHOICES, required=False)
    # The phone's own date picker; the value stays ISO (2026-12-07), as in the feed's URL.
    date_from = forms.DateField(label=_("From"), required=False, widget=ISO_DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=ISO_DATE)
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
    # Checkboxes, not a multi-select box (which needs Ctrl-click and hides its choices).
    language = forms.ModelMultipleChoiceField(
        label=_("Language spoken"),
        queryset=Language.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
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
