"""A beat tick of the provisioning sweep drains a backlog: batch after batch until no order is
waiting or its time budget is spent, each order still provisioned on its own (one that fails
is tried once per tick and never blocks the others)."""

import pytest

from lib import sweeps
from orders import services
from orders.models import Order, OrderStatus
from orders.tasks import sweep_pending_orders_task

from .test_stuck import failing, pending  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def test_a_tick_provisions_batch_after_batch_until_none_is_waiting(seller, gcc_customer):
    orders = pending(seller, gcc_customer, 7)
    provisioned = services.orders_sweep_drain(batch=3, budget_seconds=60)
    assert sorted(provisioned) == sorted(o.pk for o in orders)
    assert Order.objects.filter(status=OrderStatus.COMPLETED).count() == 7


def test_a_tick_stops_when_its_budget_is_spent(seller, gcc_customer, monkeypatch):
    pending(seller, gcc_customer, 7)
    clock = iter(range(0, 1000, 10))  # each look at the clock: 10 s later
    monkeypatch.setattr(sweeps, "_clock", lambda: next(clock))
    provisioned = services.orders_sweep_drain(batch=3, budget_seconds=15)
    assert len(provisioned) == 6
    assert Order.objects.filter(status=OrderStatus.PENDING).count() == 1


def test_a_failing_order_is_tried_once_per_tick(failing, seller, gcc_customer):  # noqa: F811
    orders = pending(seller, gcc_customer, 5)
    bad = orders[0]
    failing.add(bad.pk)
    provisioned = services.orders_sweep_drain(batch=2, budget_seconds=60)
    assert sorted(provisioned) == sorted(o.pk for o in orders if o != bad)
    bad.refresh_from_db()
    assert (bad.status, bad.sweep_attempts) == (OrderStatus.PENDING, 1)


def test_the_beat_task_drains_with_the_settings(settings, seller, gcc_customer):
    settings.GCC_SWEEP_BATCH_SIZE = 2
    orders = pending(seller, gcc_customer, 5)
    assert sorted(sweep_pending_orders_task()) == sorted(o.pk for o in orders)
