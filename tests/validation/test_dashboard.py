"""The reviewers' dashboard: the figures, their charts (server-drawn SVG) and table."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from validation import services
from validation.calendar import BUSINESS_TZ
from validation.models import RequestState, ValidationRequest
from validation.selectors import review_dashboard

from ..factories import PartnerRequestFactory, UserFactory

pytestmark = pytest.mark.django_db
DASHBOARD = reverse("admin:validation_dashboard")
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=BUSINESS_TZ)  # a Friday afternoon


def decided(*, submitted, decided_at, decision="approved"):
    request = PartnerRequestFactory(submitted_at=submitted)
    if decision == "rejected":
        services.validation_request_reject(request_id=request.pk, reason="No.", now=decided_at)
    else:
        services.validation_request_approve(request_id=request.pk, now=decided_at)
    return request


class TestFigures:
    def test_counts_by_state_overdue_and_unassigned(self, reviewer):
        PartnerRequestFactory(submitted_at=NOW - timedelta(hours=1))  # open, due later
        late = PartnerRequestFactory(submitted_at=NOW - timedelta(days=6))  # due long ago
        services.validation_request_screen(request_id=late.pk, now=NOW)
        services.validation_request_assign(request_id=late.pk, actor=reviewer, now=NOW)
        paused = PartnerRequestFactory(submitted_at=NOW - timedelta(days=6))
        services.validation_request_request_info(request_id=paused.pk, question="Agency?", now=NOW)
        decided(submitted=NOW - timedelta(days=2), decided_at=NOW - timedelta(hours=1))

        figures = review_dashboard(now=NOW)

        by_state = {state: count for state, _, count in figures.by_state}
        assert by_state == {
            "submitted": 1,
            "in_review": 1,
            "info_requested": 1,
            "approved": 1,
            "rejected": 0,
        }
        assert figures.open_total == 3
        assert figures.overdue == 1  # paused requests are not overdue
        assert figures.unassigned == 2

    def test_decisions_per_day_and_median_time_to_decision(self):
        today = NOW - timedelta(hours=2)
        decided(submitted=today - timedelta(hours=10), decided_at=today)
        decided(submitted=today - timedelta(hours=30), decided_at=today, decision="rejected")
        decided(submitted=today - timedelta(hours=50), decided_at=today)
        yesterday = today - timedelta(days=1)
        decided(submitted=yesterday - timedelta(hours=4), decided_at=yesterday)
        decided(submitted=NOW - timedelta(days=40), decided_at=NOW - timedelta(days=31))

        figures = review_dashboard(now=NOW)

        assert len(figures.days) == 30
        assert (figures.since, figures.until) == (
            (NOW - timedelta(days=29)).date(),
            NOW.date(),
        )
        last, before = figures.days[-1], figures.days[-2]
        assert (last.approved, last.rejected, last.median_hours) == (2, 1, 30.0)
        assert (before.approved, before.rejected, before.median_hours) == (1, 0, 4.0)
        assert figures.decisions == 4  # the one 31 days ago is outside the window
        assert figures.median_hours == 20.0  # median of 4, 10, 30, 50
        assert (figures.approved_total, figures.rejected_total) == (3, 1)

    def test_an_empty_portal(self, db):
        figures = review_dashboard(now=NOW)
        assert figures.open_total == figures.overdue == figures.decisions == 0
        assert figures.median_hours is None


class TestPage:
    def test_reviewer_sees_charts_and_the_same_figures_as_a_table(self, client_for, reviewer):
        decided(submitted=NOW - timedelta(hours=10), decided_at=NOW - timedelta(hours=1))
        PartnerRequestFactory()
        page = client_for(reviewer).get(DASHBOARD).content.decode()
        assert page.count('<svg class="chart"') == 3
        assert 'role="img"' in page and '<title id="chart-decisions-title">' in page
        assert "Requests by state, now" in page  # the table's caption
        assert "Decisions per day (US Eastern)" in page
        assert "median time to decision" in page

    def test_no_inline_style_or_script_and_no_cdn(self, client_for, reviewer):
        decided(submitted=NOW - timedelta(hours=10), decided_at=NOW - timedelta(hours=1))
        page = client_for(reviewer).get(DASHBOARD).content.decode()
        assert " style=" not in page
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)  # every script is a file
        assert "cdn" not in page.lower() and "https://" not in page
        assert "/static/css/reviewers.css" in page

    def test_linked_from_the_queue_and_the_admin_index(self, client_for, reviewer):
        client = client_for(reviewer)
        queue = reverse("admin:validation_validationrequest_changelist")
        assert DASHBOARD in client.get(queue).content.decode()
        assert DASHBOARD in client.get(reverse("admin:index")).content.decode()

    def test_partner_agents_are_sent_to_the_admin_sign_in(self, client_for, admin_agent):
        response = client_for(admin_agent).get(DASHBOARD)
        assert response.status_code == 302 and reverse("admin:login") in response.url

    def test_staff_without_view_permission_is_refused(self, client_for, db):
        staff = UserFactory(partner=None, role="", is_staff=True)
        assert client_for(staff).get(DASHBOARD).status_code == 403
        staff.user_permissions.add(Permission.objects.get(codename="view_validationrequest"))
        assert client_for(staff).get(DASHBOARD).status_code == 200

    def test_bounded_queries_whatever_the_data_size(
        self, client_for, reviewer, django_assert_max_num_queries
    ):
        client = client_for(reviewer)
        decided(submitted=NOW - timedelta(hours=10), decided_at=NOW - timedelta(hours=1))
        with django_assert_max_num_queries(10) as small:
            assert client.get(DASHBOARD).status_code == 200
        for n in range(40):
            decided(
                submitted=NOW - timedelta(days=n % 20, hours=12),
                decided_at=NOW - timedelta(days=n % 20),
                decision="approved" if n % 3 else "rejected",
            )
        PartnerRequestFactory.create_batch(20)
        with django_assert_max_num_queries(len(small.captured_queries)):
            assert client.get(DASHBOARD).status_code == 200
        assert ValidationRequest.objects.filter(status=RequestState.APPROVED).count() > 20
