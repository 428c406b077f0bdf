# French: "7 décembre 2026", "07/12/2026", "lundi 7 décembre à 14:00" (a 24-hour clock).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "j F Y à H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
WEEKDAY_DATE_FORMAT = "l j F Y"
WEEKDAY_DATETIME_FORMAT = "l j F à H:i"
WEEKDAY_DATETIME_YEAR_FORMAT = "l j F Y à H:i"
