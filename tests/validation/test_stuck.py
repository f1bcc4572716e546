"""A request the simulated reviewer fails on never blocks the others: each request is claimed,
screened or decided, and committed on its own; one that raises is retried by the next sweeps,
then set aside as stuck (admin filter, gcc_status, /healthz) until a reviewer retries it."""

import io
import json
from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lib.refusals import RefusalCode
from validation import services
from validation.models import RequestState, ValidationEvent, ValidationRequest

from ..concurrency import run_together
from ..factories import PartnerRequestFactory, UserFactory
from ..refusals import refused

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:validation_validationrequest_changelist")
FAULT = "RuntimeError: eligibility records timed out"


@pytest.fixture(autouse=True)
def three_attempts(settings):
    settings.GCC_SWEEP_MAX_ATTEMPTS = 3


@pytest.fixture
def failing(monkeypatch):
    """Fault injection: the checklist the simulated reviewer reads (to screen and to decide)
    raises for the requests whose id is in the returned set."""
    bad: set[int] = set()
    real = services.request_findings

    def findings(request):
        if request.pk in bad:
            raise RuntimeError("eligibility records timed out\nsecond line, kept for the log")
        return real(request)

    monkeypatch.setattr(services, "request_findings", findings)
    return bad


def in_review(count: int) -> list[ValidationRequest]:
    requests = PartnerRequestFactory.create_batch(count)
    for request in requests:
        services.validation_request_screen(request_id=request.pk)
    return requests


def due_time(requests) -> datetime:
    return max(r.due_at for r in requests)


def later_than(request) -> datetime:
    return request.due_at + timedelta(days=1)


def gcc_status() -> dict:
    out = io.StringIO()
    call_command("gcc_status", "--json", stdout=out)
    return json.loads(out.getvalue())


def test_one_failing_request_among_100_due_ones(failing, client, client_for, reviewer):
    requests = in_review(100)
    bad = requests[37]
    failing.add(bad.pk)
    now = due_time(requests)

    report = services.sweep_reviews(now=now, batch_size=100)

    assert len(report.decided) == 99 and bad.pk not in report.decided
    assert report.failed == {bad.pk: FAULT} and report.stuck == []
    assert ValidationRequest.objects.filter(status=RequestState.APPROVED).count() == 99
    bad.refresh_from_db()
    assert (bad.status, bad.sweep_attempts, bad.stuck_at) == (RequestState.IN_REVIEW, 1, None)
    assert bad.sweep_error == FAULT

    # One try per sweep: the second attempt, then the third sets it aside.
    assert services.sweep_reviews(now=now).failed == {bad.pk: FAULT}
    third = services.sweep_reviews(now=now)
    assert third.failed == {bad.pk: FAULT} and third.stuck == [bad.pk]
    bad.refresh_from_db()
    assert (bad.sweep_attempts, bad.stuck_at, bad.sweep_error) == (3, now, FAULT)
    assert bad.status == RequestState.IN_REVIEW

    # Later sweeps leave it aside and decide what is newly due.
    (fresh,) = in_review(1)
    later = services.sweep_reviews(now=fresh.due_at + timedelta(minutes=1))
    assert later.decided == {fresh.pk: RequestState.APPROVED} and later.failed == {}
    bad.refresh_from_db()
    assert bad.sweep_attempts == 3

    # Seen where reviewers and ops look.
    page = client_for(reviewer).get(QUEUE, {"stuck": "yes"}).content.decode()
    assert bad.reference in page and requests[0].reference not in page
    assert gcc_status()["stuck"] == {"validation_requests": 1, "orders": 0}
    client.logout()
    assert client.get(reverse("healthz")).json()["stuck"]["validation_requests"] == 1

    # A reviewer retries it (the fault is gone): the next sweep decides it.
    failing.clear()
    response = client_for(reviewer).post(
        QUEUE, {"action": "retry_selected", "_selected_action": [bad.pk]}, follow=True
    )
    assert "1 put back for the sweep." in response.content.decode()
    bad.refresh_from_db()
    assert (bad.sweep_attempts, bad.sweep_error, bad.stuck_at) == (0, "", None)
    assert services.sweep_reviews(now=later_than(bad)).decided == {bad.pk: RequestState.APPROVED}
    assert gcc_status()["stuck"]["validation_requests"] == 0


def test_the_screening_pass_is_isolated_too(failing):
    requests = PartnerRequestFactory.create_batch(4)
    bad = requests[1]
    failing.add(bad.pk)
    now = requests[-1].submitted_at

    first = services.sweep_reviews(now=now)
    assert sorted(first.screened) == sorted(r.pk for r in requests if r != bad)
    assert first.failed == {bad.pk: FAULT}
    services.sweep_reviews(now=now)
    assert services.sweep_reviews(now=now).stuck == [bad.pk]
    bad.refresh_from_db()
    assert (bad.status, bad.sweep_attempts, bad.sweep_error) == (RequestState.SUBMITTED, 3, FAULT)
    assert bad.stuck_at is not None
    assert bad.pk not in services.sweep_reviews(now=now).failed  # no longer tried


def test_a_failure_then_a_success_clears_the_count(failing):
    (request,) = in_review(1)
    failing.add(request.pk)
    services.sweep_reviews(now=request.due_at)
    failing.clear()
    assert services.sweep_reviews(now=request.due_at).decided == {request.pk: RequestState.APPROVED}
    request.refresh_from_db()
    assert (request.sweep_attempts, request.sweep_error, request.stuck_at) == (0, "", None)


def make_stuck(failing, request) -> ValidationRequest:
    failing.add(request.pk)
    for _ in range(3):
        services.sweep_reviews(now=later_than(request))
    failing.discard(request.pk)
    request.refresh_from_db()
    assert request.stuck_at is not None
    return request


def test_a_reviewer_deciding_a_stuck_request_clears_it(failing, reviewer):
    request = make_stuck(failing, in_review(1)[0])
    services.validation_request_reject(
        request_id=request.pk, actor=reviewer, reason="Checked by hand: no."
    )
    request.refresh_from_db()
    assert (request.status, request.stuck_at, request.sweep_error) == ("rejected", None, "")


def test_retrying_needs_a_reviewer_and_a_stuck_request(failing, reviewer, admin_agent):
    (fine,) = in_review(1)
    with refused(RefusalCode.NOT_STUCK):
        services.validation_request_retry(request_id=fine.pk, actor=reviewer)
    stuck = make_stuck(failing, in_review(1)[0])
    with refused(RefusalCode.NOT_A_REVIEWER):
        services.validation_request_retry(request_id=stuck.pk, actor=admin_agent)
    outcome = services.validation_requests_bulk_retry(
        request_ids=[fine.pk, stuck.pk], actor=reviewer
    )
    assert outcome.done == [stuck.pk] and services.NOT_STUCK in outcome.skipped[fine.pk]
    history = stuck.history.order_by("-history_date", "-history_id").first()
    assert history.history_user == reviewer and "Put back" in history.history_change_reason


class TestAdmin:
    def test_the_request_page_shows_the_error(self, failing, client_for, reviewer):
        request = make_stuck(failing, in_review(1)[0])
        url = reverse("admin:validation_validationrequest_change", args=[request.pk])
        page = client_for(reviewer).get(url).content.decode()
        assert "The simulated reviewer&#x27;s sweep failed" in page
        assert "Set aside as stuck" in page and FAULT in page

    def test_a_request_that_failed_once_says_the_sweep_tries_again(
        self, failing, client_for, reviewer
    ):
        (request,) = in_review(1)
        failing.add(request.pk)
        services.sweep_reviews(now=request.due_at)
        url = reverse("admin:validation_validationrequest_change", args=[request.pk])
        page = client_for(reviewer).get(url).content.decode()
        assert "The next sweeps try again" in page and FAULT in page

    def test_the_page_of_a_request_the_sweep_never_failed_on_says_nothing(
        self, client_for, reviewer
    ):
        (request,) = in_review(1)
        url = reverse("admin:validation_validationrequest_change", args=[request.pk])
        assert "sweep failed" not in client_for(reviewer).get(url).content.decode()

    def test_the_stuck_filter_has_bounded_queries(
        self, failing, client_for, reviewer, django_assert_max_num_queries
    ):
        client = client_for(reviewer)
        requests = in_review(12)
        failing.update(r.pk for r in requests[:2])
        for _ in range(3):
            services.sweep_reviews(now=due_time(requests[:2]))
        with django_assert_max_num_queries(12) as small:
            page = client.get(QUEUE, {"stuck": "yes"})
        assert page.content.decode().count(">stuck</strong>") == 2
        more = in_review(10)
        failing.update(r.pk for r in more)
        for _ in range(3):
            services.sweep_reviews(now=due_time(more))
        with django_assert_max_num_queries(len(small.captured_queries)):
            page = client.get(QUEUE, {"stuck": "yes"})
        assert page.content.decode().count(">stuck</strong>") == 12

    def test_the_retry_action_is_for_reviewers_only(self, client_for, failing):
        request = make_stuck(failing, in_review(1)[0])
        viewer = UserFactory(partner=None, role="", is_staff=True)
        viewer.user_permissions.add(Permission.objects.get(codename="view_validationrequest"))
        client = client_for(viewer)
        assert "retry_selected" not in client.get(QUEUE).content.decode()
        response = client.post(
            QUEUE, {"action": "retry_selected", "_selected_action": [request.pk]}, follow=True
        )
        assert response.status_code == 200
        request.refresh_from_db()
        assert request.stuck_at is not None


def test_gcc_status_text_names_the_stuck_counts(failing):
    make_stuck(failing, in_review(1)[0])
    out = io.StringIO()
    call_command("gcc_status", stdout=out)
    text = out.getvalue()
    assert "Stuck (set aside by the sweeps)" in text
    assert "  Validation requests          1" in text and "  Orders                       0" in text


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_with_a_failing_request_decide_each_other_request_once(failing):
    requests = in_review(8)
    bad = requests[3]
    failing.add(bad.pk)
    now = due_time(requests)

    outcomes = run_together(
        lambda: services.sweep_reviews(now=now), lambda: services.sweep_reviews(now=now)
    )

    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    decided = [pk for _, report in outcomes for pk in report.decided]
    assert sorted(decided) == sorted(r.pk for r in requests if r != bad)
    assert ValidationEvent.objects.filter(to_state=RequestState.APPROVED).count() == 7
    bad.refresh_from_db()
    # Each sweep tries it at most once.
    assert bad.status == RequestState.IN_REVIEW and 1 <= bad.sweep_attempts <= 2


def test_the_sweep_command_names_the_failed_request_and_when_it_is_set_aside(failing, settings):
    settings.GCC_SWEEP_MAX_ATTEMPTS = 2
    bad, good = in_review(2)
    failing.add(bad.pk)
    past = timezone.now() - timedelta(minutes=1)
    ValidationRequest.objects.filter(pk__in=[bad.pk, good.pk]).update(due_at=past)

    first, second, third = io.StringIO(), io.StringIO(), io.StringIO()
    call_command("sweep_reviews", stdout=first)
    call_command("sweep_reviews", stdout=second)
    call_command("sweep_reviews", stdout=third)

    assert f"{good.reference}  approved" in first.getvalue()
    assert f"{bad.reference}  {FAULT}" in first.getvalue()
    assert "set aside as stuck" not in first.getvalue()
    assert f"{bad.reference}  {FAULT}  set aside as stuck" in second.getvalue()
    assert "Nothing to do" in third.getvalue()  # stuck: left alone
