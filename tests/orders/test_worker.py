"""Provisioning as it really runs: a Celery worker on the real broker (Redis in CI)."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Offer, Order, OrderStatus, Subscription, SubscriptionEventKind
from orders.services import CartLine, order_place

from ..celery_worker import wait_for
from .conftest import G3

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_provisions_an_order_into_subscriptions(celery_worker, seller, gcc_customer):
    order = order_place(
        actor=seller,
        customer=gcc_customer,
        lines=[CartLine(Offer.objects.get(name=G3).offer_id, 12)],
        submission_key=uuid.uuid4(),
    )
    completed = wait_for(
        lambda: Order.objects.filter(pk=order.pk, status=OrderStatus.COMPLETED).first(),
        timeout=60,
    )
    assert completed.completed_at is not None, celery_worker.log_text()
    (subscription,) = gcc_customer.subscriptions.all()
    assert (subscription.friendly_name, subscription.quantity) == (G3, 12)


def test_beat_renews_and_expires_subscriptions_whose_term_ended(
    celery_worker, seller, gcc_customer
):
    """The worker's clock: a day lasts 1 s, so a monthly term lasts 30 s."""
    lines = [
        CartLine(Offer.objects.get(name=name).offer_id, 5, term="P1M")
        for name in (G3, "Office 365 G5 GCC")
    ]
    order_place(actor=seller, customer=gcc_customer, lines=lines, submission_key=uuid.uuid4())
    wait_for(lambda: gcc_customer.subscriptions.count() == 2, timeout=60)
    renewing, ending = gcc_customer.subscriptions.order_by("pk")
    ended_at = timezone.now() - timedelta(seconds=31)
    Subscription.objects.filter(pk__in=[renewing.pk, ending.pk]).update(term_started_at=ended_at)
    Subscription.objects.filter(pk=ending.pk).update(auto_renew=False)

    renewed = wait_for(
        lambda: renewing.events.filter(kind=SubscriptionEventKind.RENEWED).first(), timeout=60
    )
    assert renewed is not None, celery_worker.log_text()
    renewing.refresh_from_db()
    assert renewing.term_started_at > ended_at and renewing.status == "active"
    expired = wait_for(
        lambda: Subscription.objects.filter(pk=ending.pk, status="expired").first(), timeout=60
    )
    assert expired is not None, celery_worker.log_text()
