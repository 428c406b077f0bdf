# English as written in Belgium and the Netherlands: day before month, a 24-hour clock, and
# no all-numeric dates (Django's "12/07/2026" would be read as 12 July here).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
WEEKDAY_DATE_FORMAT = "l j F Y"
WEEKDAY_DATETIME_FORMAT = "l j F, H:i"
WEEKDAY_DATETIME_YEAR_FORMAT = "l j F Y, H:i"
