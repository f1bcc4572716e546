"""A worker killed with SIGKILL in the middle of a review or a provisioning: the work is
done exactly once when a new worker comes up.

The worker is stalled at the critical moment from outside, without any hook in the code: this
test holds a write in an open transaction. On PostgreSQL it is an uncommitted row with the
unique key the worker inserts half-way through its transaction (the GCC qualification the
approval grants; the second line's subscription), so the worker has already changed the
request or created the first subscription when it blocks. On SQLite the open write
transaction blocks the worker's transaction as it starts, with the task taken off the broker.
Either way the worker is then killed, with its pool and beat processes, before it commits.
"""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from ops.models import EmailNotification
from orders.models import Offer, Order, OrderStatus, Subscription
from orders.services import CartLine, order_place
from partners.models import ResellerQualification
from validation import services
from validation.models import RequestState, ValidationEvent, ValidationRequest

from ..celery_worker import purge_queue, wait_for
from ..factories import PartnerRequestFactory
from ..orders.conftest import G3
from .conftest import holding_write, kill_worker, wait_for_more_runs, wait_until_stalled

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

GCC = "Government_community_cloud"
ADVANCED_COMMUNICATIONS = "Advanced Communications for GCC"


def test_a_review_killed_half_way_is_decided_once_by_the_next_worker(workers, admin_agent):
    past = timezone.now() - timedelta(days=5)
    request = PartnerRequestFactory(submitted_by=admin_agent, submitted_at=past)
    services.validation_request_screen(request_id=request.pk, now=past)
    assert ValidationRequest.objects.get(pk=request.pk).due_at < timezone.now()  # due now

    def same_qualification_uncommitted():
        ResellerQualification.objects.create(
            partner=admin_agent.partner, qualification=GCC, granted_at=timezone.now()
        )

    with holding_write(same_qualification_uncommitted):
        first = workers.start("first")
        wait_until_stalled(first, insert_into="partners_resellerqualification")
        killed = kill_worker(first)
        purge_queue()  # whatever it left on the broker is lost too: only beat can recover
        # Killed before its commit: nothing of the half-made decision is visible.
        request.refresh_from_db()
        assert request.status == RequestState.IN_REVIEW, first.log_text()
        assert not ValidationEvent.objects.filter(
            request=request, to_state=RequestState.APPROVED
        ).exists()
    assert len(killed) >= 2
    assert not ResellerQualification.objects.exists()  # ours was rolled back, theirs never was

    second = workers.start("second")
    wait_for(
        lambda: ValidationRequest.objects.filter(
            pk=request.pk, status=RequestState.APPROVED
        ).exists(),
        timeout=60,
    )
    wait_for_more_runs(second, "validation.tasks.sweep_reviews_task")  # nothing left to decide
    decisions = ValidationEvent.objects.filter(
        request=request, to_state__in=[RequestState.APPROVED, RequestState.REJECTED]
    )
    assert decisions.count() == 1, second.log_text()
    assert list(request.events.order_by("at", "pk").values_list("to_state", flat=True)) == [
        RequestState.IN_REVIEW,
        RequestState.APPROVED,
    ]
    assert ResellerQualification.objects.filter(partner=admin_agent.partner).count() == 1
    approved_emails = EmailNotification.objects.filter(template="validation_approved")
    assert approved_emails.count() == 1
    wait_for(lambda: approved_emails.filter(status="sent").exists(), timeout=30)


def test_a_provisioning_killed_half_way_is_provisioned_once_by_the_next_worker(
    workers, seller, gcc_customer
):
    add_on = Offer.objects.get(name=ADVANCED_COMMUNICATIONS)
    g3 = Offer.objects.get(name=G3)
    # Placed a minute ago: old enough for the pending-orders sweep to pick it up.
    order = order_place(
        actor=seller,
        customer=gcc_customer,
        lines=[CartLine(g3.offer_id, 12), CartLine(add_on.offer_id, 3)],
        submission_key=uuid.uuid4(),
        now=timezone.now() - timedelta(minutes=1),
    )
    first_line, second_line = order.lines.order_by("pk")

    def second_subscription_uncommitted():
        Subscription.objects.create(
            customer=gcc_customer,
            order_line=second_line,
            offer=second_line.offer,
            quantity=second_line.quantity,
            friendly_name="held by the test",
            billing_cycle=second_line.offer.billing_cycle,
            term=second_line.offer.term,
            start_date=timezone.localdate(),
        )

    with holding_write(second_subscription_uncommitted):
        first = workers.start("first")
        wait_until_stalled(first, insert_into="orders_subscription")
        kill_worker(first)
        purge_queue()
        order.refresh_from_db()
        assert order.status == OrderStatus.PENDING, first.log_text()
        assert not Subscription.objects.exists()  # the first line's subscription died with it

    second = workers.start("second")
    wait_for(
        lambda: Order.objects.filter(pk=order.pk, status=OrderStatus.COMPLETED).exists(),
        timeout=60,
    )
    wait_for_more_runs(second, "orders.tasks.sweep_pending_orders_task")
    subscriptions = Subscription.objects.filter(customer=gcc_customer)
    assert sorted(subscriptions.values_list("order_line_id", "quantity")) == [
        (first_line.pk, 12),
        (second_line.pk, 3),
    ], second.log_text()
    assert "held by the test" not in subscriptions.values_list("friendly_name", flat=True)
    completed = EmailNotification.objects.filter(key=f"order:{order.pk}:completed")
    assert completed.count() == 1
    wait_for(lambda: completed.filter(status="sent").exists(), timeout=30)
