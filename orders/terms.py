"""A subscription's calendar: when its term ends and until when it may be cancelled.

Partner Center's new-commerce rules (learn.microsoft.com, "New commerce license-based
subscriptions: cancellations and seat reductions"): a subscription can be cancelled, and its
seats reduced, within 7 days (168 hours) of its purchase or renewal; after that, a reduction
can only be scheduled for the renewal. A term lasts a month (P1M: here 30 days, as before), a
year (P1Y) or three (P3Y), ending the day before its anniversary (February 29's is March 1).

With the demo clock (``GCC_REVIEW_BUSINESS_DAY_SECONDS`` set, as the run command does), a day
lasts that many seconds, so a monthly term renews in minutes and the window closes in seconds.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.utils import timezone

TERM_DAYS = {"P1M": 30, "P1Y": 365, "P3Y": 3 * 365}  # under the demo clock


def _demo_day() -> timedelta | None:
    seconds = settings.GCC_REVIEW_BUSINESS_DAY_SECONDS
    return timedelta(seconds=seconds) if seconds else None


def start_of_day(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _calendar_last_day(term: str, start: date) -> date:
    if term == "P1M":
        return start + timedelta(days=30)
    year = start.year + (3 if term == "P3Y" else 1)
    try:
        anniversary = start.replace(year=year)
    except ValueError:  # February 29, and the year is not a leap year
        anniversary = date(year, 3, 1)
    return anniversary - timedelta(days=1)


def term_ends_at(term: str, started_at: datetime) -> datetime:
    """The moment the term is over (the start of the day after its last day)."""
    if day := _demo_day():
        return started_at + TERM_DAYS.get(term, 365) * day
    local_start = timezone.localdate(started_at)
    return start_of_day(_calendar_last_day(term, local_start) + timedelta(days=1))


def last_day(ends_at: datetime) -> date:
    return timezone.localdate(ends_at - timedelta(microseconds=1))


def cancellation_ends_at(started_at: datetime) -> datetime:
    days = settings.GCC_SUBSCRIPTION_CANCEL_WINDOW_DAYS
    return started_at + days * (_demo_day() or timedelta(days=1))


def shortest_term() -> timedelta:
    """No term ends sooner than this after it started (the sweep's first filter)."""
    if day := _demo_day():
        return TERM_DAYS["P1M"] * day
    return timedelta(days=28)
