"""Provisioning as it really runs: a Celery worker on the real broker (Redis in CI)."""

import uuid

import pytest

from orders.models import Offer, Order, OrderStatus
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
