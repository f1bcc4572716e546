"""Spanish date and time formats (day first, 24-hour clock); the same names as
lib/formats/en/formats.py. Month and day names come from Django's Spanish catalog, in lower
case as Spanish writes them ("b": "dic"). Numbers keep the point for decimals, as Mexico and
US Spanish write prices in dollars."""

DATE_FORMAT = r"j b Y"
DATETIME_FORMAT = r"j b Y, H:i T"
SHORT_DATETIME_FORMAT = r"j b Y, H:i"
MONTH_DAY_FORMAT = r"j b"
DATETIME_SECONDS_FORMAT = r"j b Y, H:i:s T"
WEEKDAY_DATE_FORMAT = r"D j b"
WEEKDAY_DATETIME_FORMAT = r"l j b Y, H:i T"
WEEKDAY_DATETIME_SECONDS_FORMAT = r"l j b Y, H:i:s T"
LONG_DATE_FORMAT = r"j \d\e F \d\e Y"
LONG_DATETIME_FORMAT = r"l j \d\e F \d\e Y, H:i T"
NEWS_DATE_FORMAT = r"j \d\e F \d\e Y"
NEWS_DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i T"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
