from datetime import UTC, datetime, timedelta

import pytest

from validation.calendar import BUSINESS_TZ, add_business_days, is_business_day, review_due_at


def et(*args) -> datetime:
    return datetime(*args, tzinfo=BUSINESS_TZ)


class TestAddBusinessDays:
    def test_thanksgiving_and_the_weekend_are_skipped(self):
        # Wednesday before Thanksgiving: Thu is a holiday, Fri counts, Sat/Sun do not.
        assert add_business_days(et(2026, 11, 25, 10, 0), 2) == et(2026, 11, 30, 10, 0)

    def test_ordinary_week(self):
        assert add_business_days(et(2026, 11, 17, 9, 30), 2) == et(2026, 11, 19, 9, 30)

    def test_friday_lands_on_tuesday(self):
        assert add_business_days(et(2026, 11, 20, 16, 0), 2) == et(2026, 11, 24, 16, 0)

    def test_observed_independence_day_is_skipped(self):
        # July 4, 2026 is a Saturday; the federal holiday is observed on Friday July 3.
        assert not is_business_day(et(2026, 7, 3).date())
        assert add_business_days(et(2026, 7, 2, 12, 0), 2) == et(2026, 7, 7, 12, 0)

    def test_christmas_and_new_year_observed(self):
        # Christmas 2027 is a Saturday (observed Fri Dec 24); New Year 2028 observed Fri Dec 31.
        assert add_business_days(et(2027, 12, 23, 10, 0), 2) == et(2027, 12, 28, 10, 0)
        assert add_business_days(et(2027, 12, 30, 10, 0), 2) == et(2028, 1, 4, 10, 0)

    def test_submitted_on_a_saturday_counts_from_monday(self):
        assert add_business_days(et(2026, 11, 21, 11, 0), 2) == et(2026, 11, 24, 11, 0)

    def test_utc_input_is_counted_in_eastern_time(self):
        # 02:00 UTC Thursday is still Wednesday evening in Washington.
        due = add_business_days(datetime(2026, 11, 19, 2, 0, tzinfo=UTC), 2)
        assert due.astimezone(BUSINESS_TZ) == et(2026, 11, 20, 21, 0)

    def test_keeps_wall_clock_time_across_daylight_saving_end(self):
        # DST ends Sunday Nov 1, 2026: 10:00 EDT Friday -> 10:00 EST Tuesday.
        due = add_business_days(et(2026, 10, 30, 10, 0), 2)
        assert due == et(2026, 11, 3, 10, 0)
        assert due.utcoffset() == timedelta(hours=-5)


class TestReviewDueAt:
    def test_real_business_days_by_default(self, settings):
        settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = None
        assert review_due_at(et(2026, 11, 25, 10, 0)) == et(2026, 11, 30, 10, 0)

    @pytest.mark.parametrize("seconds", [30, 1.5])
    def test_accelerated_clock_makes_a_business_day_last_n_seconds(self, settings, seconds):
        settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = seconds
        start = et(2026, 11, 25, 10, 0)
        assert review_due_at(start) == start + timedelta(seconds=2 * seconds)
