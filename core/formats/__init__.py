"""Date and time formats per language (settings.FORMAT_MODULE_PATH), on top of Django's own.

Templates name a format instead of spelling one out (`|date:"WEEKDAY_DATETIME_FORMAT"`), so
that a Dutch page reads "maandag 7 december, 14:00", a French one "lundi 7 décembre à 14:00"
and an English one "Monday 7 December, 14:00". The names beyond Django's own
(WEEKDAY_DATE_FORMAT, WEEKDAY_DATETIME_FORMAT, WEEKDAY_DATETIME_YEAR_FORMAT) are found by
django.utils.formats.get_format in these modules; every language here must define all of
them (tests/core/test_formats.py checks it), or the name itself would be printed.
"""
