"""US business days: Microsoft's review clock (weekends and US federal holidays off).

Counting happens on calendar dates in US Eastern time: the time of day is kept, and each step
forward lands on the next date that is neither a weekend nor a federal holiday (observed dates
included). Submitted Wednesday 2026-11-25 10:00 ET, two business days later is Monday
2026-11-30 10:00 ET: Thanksgiving and the weekend are skipped.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

BUSINESS_TZ = ZoneInfo("America/New_York")


@lru_cache(maxsize=16)
def _federal_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("US", years=year, observed=True)


def is_business_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _federal_holidays(day.year)


def add_business_days(start: datetime, days: int) -> datetime:
    """The moment ``days`` US business days after ``start`` (an aware datetime)."""
    local = start.astimezone(BUSINESS_TZ)
    day = local.date()
    remaining = days
    while remaining > 0:
        day += timedelta(days=1)
        if is_business_day(day):
            remaining -= 1
    naive = datetime.combine(day, local.time())
    return naive.replace(tzinfo=BUSINESS_TZ)


def review_due_at(submitted_at: datetime) -> datetime:
    """When the review of a request submitted at ``submitted_at`` must be decided.

    ``GCC_REVIEW_BUSINESS_DAY_SECONDS`` shortens a business day to that many seconds, so a
    demo shows a review finish in about a minute.
    """
    days = settings.GCC_REVIEW_BUSINESS_DAYS
    seconds_per_day = settings.GCC_REVIEW_BUSINESS_DAY_SECONDS
    if seconds_per_day:
        return submitted_at + timedelta(seconds=days * seconds_per_day)
    return add_business_days(submitted_at, days)


def business_days_between(start: datetime, end: datetime) -> int:
    """Whole US business days from ``start`` to ``end``: the business dates after start's date,
    up to and including end's (0 when decided the same day, 2 when decided on the due date)."""
    first = start.astimezone(BUSINESS_TZ).date()
    last = end.astimezone(BUSINESS_TZ).date()
    days, day = 0, first
    while day < last:
        day += timedelta(days=1)
        if is_business_day(day):
            days += 1
    return days
