# Dutch: "7 december 2026", "7-12-2026", "maandag 7 december, 14:00" (a 24-hour clock).
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j-n-Y"
DATETIME_FORMAT = "j F Y, H:i"
SHORT_DATETIME_FORMAT = "j-n-Y H:i"
TIME_FORMAT = "H:i"
WEEKDAY_DATE_FORMAT = "l j F Y"
WEEKDAY_DATETIME_FORMAT = "l j F, H:i"
WEEKDAY_DATETIME_YEAR_FORMAT = "l j F Y, H:i"
