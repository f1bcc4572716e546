"""English date and time formats (US order, 12-hour clock). Django's named formats, plus the
portal's own names (any name a format module defines works with ``|date`` and
``date_format``); lib/formats/es/formats.py has the same names. "T" names the zone (US
Eastern: ET, EST or EDT)."""

DATE_FORMAT = "M j, Y"
DATETIME_FORMAT = "M j, Y g:i A T"
SHORT_DATETIME_FORMAT = "M j, Y g:i A"
MONTH_DAY_FORMAT = "M j"
DATETIME_SECONDS_FORMAT = "M j, Y g:i:s A T"
WEEKDAY_DATE_FORMAT = "D, M j"
WEEKDAY_DATETIME_FORMAT = "l, M j, Y g:i A T"
WEEKDAY_DATETIME_SECONDS_FORMAT = "l, M j, Y g:i:s A T"
LONG_DATE_FORMAT = "F j, Y"
LONG_DATETIME_FORMAT = "l, F j, Y g:i A T"
NEWS_DATE_FORMAT = "N j, Y"
NEWS_DATETIME_FORMAT = "N j, Y g:i A T"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
