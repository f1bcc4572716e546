"""Guarantees under concurrency, on real connections (PostgreSQL row locks in CI)."""

import uuid

import pytest

from lib.refusals import RefusalCode
from validation import services
from validation.models import RequestState, ValidationEvent, ValidationRequest

from ..concurrency import run_together
from ..factories import PartnerRequestFactory, partner_request_data

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_deciders_at_once_make_one_decision(reviewer):
    request = PartnerRequestFactory()
    services.validation_request_screen(request_id=request.pk)

    outcomes = run_together(
        lambda: services.validation_request_reject(
            request_id=request.pk, actor=reviewer, reason="Human says no."
        ),
        lambda: services.simulated_review_decide(request_id=request.pk),
    )

    winners = [value for kind, value in outcomes if kind == "ok"]
    losers = [value for kind, value in outcomes if kind == "error"]
    assert len(winners) == 1, outcomes
    assert len(losers) == 1 and losers[0].code == RefusalCode.ALREADY_DECIDED, outcomes
    request.refresh_from_db()
    assert request.status == winners[0].status
    decisions = ValidationEvent.objects.filter(
        request=request, to_state__in=[RequestState.APPROVED, RequestState.REJECTED]
    )
    assert decisions.count() == 1


def test_two_submits_at_once_open_one_request(admin_agent):
    def submit():
        return services.partner_validation_submit(
            actor=admin_agent,
            submission_key=uuid.uuid4(),
            intake=partner_request_data(admin_agent.partner),
        )

    outcomes = run_together(submit, submit)

    assert sorted(kind for kind, _ in outcomes) == ["error", "ok"], outcomes
    error = next(value for kind, value in outcomes if kind == "error")
    assert error.code == RefusalCode.REQUEST_ALREADY_OPEN
    assert ValidationRequest.objects.count() == 1


def test_two_sweeps_at_once_decide_each_request_once():
    requests = [PartnerRequestFactory() for _ in range(6)]
    later = max(r.due_at for r in requests)

    outcomes = run_together(
        lambda: services.sweep_reviews(now=later), lambda: services.sweep_reviews(now=later)
    )

    assert [kind for kind, _ in outcomes] == ["ok", "ok"], outcomes
    decided = [pk for _, report in outcomes for pk in report.decided]
    assert sorted(decided) == sorted(r.pk for r in requests)
    assert ValidationEvent.objects.filter(to_state=RequestState.APPROVED).count() == 6
