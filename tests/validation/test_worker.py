"""The review as it really runs: a Celery worker process and its beat, on the real broker."""

import uuid

import pytest

from ops.heartbeats import REVIEW_SWEEP, WORKER
from ops.models import EmailNotification, Heartbeat
from partners.models import ResellerQualification
from validation import services
from validation.models import RequestState, ValidationRequest

from ..celery_worker import wait_for
from ..factories import PartnerRequestFactory, partner_request_data

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_takes_a_request_from_submitted_to_approved(celery_worker, admin_agent, settings):
    settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = 1  # due two seconds after submission
    request = services.partner_validation_submit(
        actor=admin_agent,
        submission_key=uuid.uuid4(),
        intake=partner_request_data(admin_agent.partner),
    )

    def decided():
        current = ValidationRequest.objects.get(pk=request.pk)
        return current if current.status in (RequestState.APPROVED, RequestState.REJECTED) else None

    decided_request = wait_for(decided, timeout=90)

    assert decided_request.status == RequestState.APPROVED, celery_worker.log_text()
    assert ResellerQualification.objects.filter(
        partner=admin_agent.partner, qualification="Government_community_cloud"
    ).exists()
    timeline = list(decided_request.events.values_list("from_state", "to_state"))
    assert timeline == [
        ("", RequestState.SUBMITTED),
        (RequestState.SUBMITTED, RequestState.IN_REVIEW),
        (RequestState.IN_REVIEW, RequestState.APPROVED),
    ]
    emails = wait_for(lambda: [m for m in celery_worker.emails() if "approved for" in m])
    assert len(emails) == 1 and "Government_community_cloud" in emails[0]
    # Each email was recorded with its transition and sent once, after commit.
    wait_for(lambda: not EmailNotification.objects.exclude(status="sent").exists())
    assert sorted(EmailNotification.objects.values_list("template", flat=True)) == [
        "validation_approved",
        "validation_submitted",
    ]
    # The worker and the sweep leave heartbeats (/healthz, gcc_status), and log structured lines
    # that carry the task id.
    wait_for(lambda: Heartbeat.objects.filter(name__in=[WORKER, REVIEW_SWEEP]).count() == 2)
    log = celery_worker.log_text()
    assert "logger=validation.services" in log and "task_id=" in log, log


def test_a_request_saved_while_the_broker_was_down_is_reviewed_by_the_sweep(
    celery_worker, admin_agent, settings
):
    """Nothing was enqueued (as if the broker were down): beat's sweep still finds it."""
    settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = 1
    request = PartnerRequestFactory(submitted_by=admin_agent)  # saved, never enqueued
    wait_for(
        lambda: ValidationRequest.objects.filter(
            pk=request.pk, status=RequestState.APPROVED
        ).exists(),
        timeout=90,
    )
