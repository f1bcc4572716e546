"""An order the provisioning sweep fails on never blocks the others: each order is claimed,
provisioned and committed on its own; one that raises is retried by the next sweeps, then set
aside as stuck (gcc_status, /healthz, manage.py stuck_orders) until ops put it back."""

import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from orders import services
from orders.models import Order, OrderStatus, Subscription

from .conftest import G3
from .test_services import line, place

pytestmark = pytest.mark.django_db
FAULT = "ConnectionError: provisioning backend reset the connection"


@pytest.fixture(autouse=True)
def three_attempts(settings):
    settings.GCC_SWEEP_MAX_ATTEMPTS = 3


@pytest.fixture
def failing(monkeypatch):
    """Fault injection: completing an order (its last step, after its subscriptions are
    created) raises for the orders whose id is in the returned set."""
    bad: set[int] = set()
    real = services._notify_order_completed

    def notify(order, lines):
        if order.pk in bad:
            raise ConnectionError("provisioning backend reset the connection")
        return real(order, lines)

    monkeypatch.setattr(services, "_notify_order_completed", notify)
    return bad


def pending(seller, customer, count: int) -> list[Order]:
    """Orders placed a minute ago whose provisioning task was lost: the sweep's to do."""
    orders = [place(seller, customer, line(G3)) for _ in range(count)]
    Order.objects.filter(pk__in=[o.pk for o in orders]).update(
        created_at=timezone.now() - timedelta(minutes=1)
    )
    return orders


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_one_failing_order_among_several_pending(failing, seller, gcc_customer, client):
    orders = pending(seller, gcc_customer, 6)
    bad = orders[2]
    failing.add(bad.pk)

    provisioned = services.orders_sweep_pending()

    assert sorted(provisioned) == sorted(o.pk for o in orders if o != bad)
    assert Order.objects.filter(status=OrderStatus.COMPLETED).count() == 5
    bad.refresh_from_db()
    assert (bad.status, bad.sweep_attempts, bad.sweep_error) == (OrderStatus.PENDING, 1, FAULT)
    assert not Subscription.objects.filter(order_line__order=bad).exists()  # rolled back alone

    services.orders_sweep_pending()
    assert services.orders_sweep_pending() == []
    bad.refresh_from_db()
    assert bad.sweep_attempts == 3 and bad.stuck_at is not None and bad.sweep_error == FAULT

    # Later sweeps leave it aside and provision what is newly pending.
    (fresh,) = pending(seller, gcc_customer, 1)
    assert services.orders_sweep_pending() == [fresh.pk]
    bad.refresh_from_db()
    assert bad.sweep_attempts == 3

    # Seen where ops look.
    assert json.loads(run("gcc_status", "--json"))["stuck"] == {
        "validation_requests": 0,
        "orders": 1,
    }
    assert client.get(reverse("healthz")).json()["stuck"]["orders"] == 1
    listing = run("stuck_orders")
    assert "Stuck orders: 1" in listing and bad.reference in listing and FAULT in listing

    # Ops put it back (the fault is gone): the next sweep provisions it.
    failing.clear()
    assert f"{bad.reference} put back" in run("stuck_orders", "--retry", bad.reference)
    bad.refresh_from_db()
    assert (bad.sweep_attempts, bad.sweep_error, bad.stuck_at) == (0, "", None)
    assert services.orders_sweep_pending() == [bad.pk]
    assert Subscription.objects.filter(order_line__order=bad).count() == 1
    assert "No stuck orders." in run("stuck_orders")


def test_a_failure_then_a_success_clears_the_count(failing, seller, gcc_customer):
    (order,) = pending(seller, gcc_customer, 1)
    failing.add(order.pk)
    services.orders_sweep_pending()
    failing.clear()
    assert services.orders_sweep_pending() == [order.pk]
    order.refresh_from_db()
    assert (order.sweep_attempts, order.sweep_error, order.stuck_at) == (0, "", None)


def test_a_database_error_in_one_order_is_rolled_back_alone(monkeypatch, seller, gcc_customer):
    """A real failing statement (on PostgreSQL it aborts the transaction): the sweep still
    records the attempt and provisions the rest."""
    orders = pending(seller, gcc_customer, 3)
    bad = orders[1]
    real = services._notify_order_completed

    def notify(order, lines):
        if order.pk == bad.pk:  # a second subscription for the same line: a unique violation
            Subscription.objects.create(
                customer_id=order.customer_id,
                order_line=lines[0],
                offer=lines[0].offer,
                quantity=1,
                friendly_name="duplicate",
                billing_cycle=lines[0].offer.billing_cycle,
                term=lines[0].offer.term,
                start_date=timezone.localdate(),
            )
        return real(order, lines)

    monkeypatch.setattr(services, "_notify_order_completed", notify)
    assert sorted(services.orders_sweep_pending()) == sorted(o.pk for o in orders if o != bad)
    bad.refresh_from_db()
    assert bad.status == OrderStatus.PENDING and bad.sweep_attempts == 1
    assert bad.sweep_error.startswith("IntegrityError: ")
    assert not Subscription.objects.filter(order_line__order=bad).exists()


def make_stuck(failing, orders):
    failing.update(o.pk for o in orders)
    for _ in range(3):
        services.orders_sweep_pending()
    failing.clear()
    assert Order.objects.filter(stuck_at__isnull=False).count() == len(orders)


class TestStuckOrdersCommand:
    def test_retry_all(self, failing, seller, gcc_customer):
        orders = pending(seller, gcc_customer, 2)
        make_stuck(failing, orders)
        output = run("stuck_orders", "--retry-all")
        assert all(f"{o.reference} put back" in output for o in orders)
        assert "No stuck orders: nothing to retry." in run("stuck_orders", "--retry-all")
        assert sorted(services.orders_sweep_pending()) == sorted(o.pk for o in orders)

    def test_refusals(self, seller, gcc_customer):
        (order,) = pending(seller, gcc_customer, 1)
        with pytest.raises(CommandError, match=f"{order.reference} is not stuck"):
            run("stuck_orders", "--retry", str(order.pk))
        with pytest.raises(CommandError, match="No order 'ORD-999999'."):
            run("stuck_orders", "--retry", "ORD-999999")
        with pytest.raises(CommandError, match="No order 'not-an-order'."):
            run("stuck_orders", "--retry", "not-an-order")

    def test_retry_by_uuid(self, failing, seller, gcc_customer):
        (order,) = pending(seller, gcc_customer, 1)
        make_stuck(failing, [order])
        assert "put back" in run("stuck_orders", "--retry", str(order.uuid))

    def test_help(self, capsys):
        with pytest.raises(SystemExit) as exit_:
            call_command("stuck_orders", "--help")
        assert exit_.value.code == 0 and "--retry-all" in capsys.readouterr().out
