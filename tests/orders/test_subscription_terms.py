"""A subscription's commitment end date (the API's commitmentEndDate)."""

from datetime import date

import pytest

from orders.models import Subscription

pytestmark = pytest.mark.django_db  # (the package's catalog fixture reads the database)


@pytest.mark.parametrize(
    ("term", "start", "end"),
    [
        ("P1M", date(2025, 1, 31), date(2025, 3, 2)),
        ("P1Y", date(2025, 3, 31), date(2026, 3, 30)),
        ("P1Y", date(2025, 1, 1), date(2025, 12, 31)),
        ("P3Y", date(2024, 2, 28), date(2027, 2, 27)),
        # A term started on a leap day: its anniversary in a common year is March 1.
        ("P1Y", date(2024, 2, 29), date(2025, 2, 28)),
        ("P3Y", date(2024, 2, 29), date(2027, 2, 28)),
        ("P1Y", date(2027, 2, 28), date(2028, 2, 27)),
    ],
)
def test_commitment_end_date(term, start, end):
    assert Subscription(term=term, start_date=start).commitment_end_date == end
