"""The broker unreachable when a request is submitted or an order placed: the page still
says it worked, the work is saved, and once the broker is back a real worker's beat sweep
does it. (tests/validation/test_worker.py covers a request saved without any enqueue; here
the enqueue really runs and really fails, through the views.)"""

import logging
import time
import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from customers.models import Customer
from ops.models import EmailNotification
from orders.models import Order, OrderStatus
from partners.models import ResellerQualification
from validation.models import RequestState, ValidationRequest

from ..celery_worker import purge_queue, wait_for
from ..orders.conftest import G3, approved_code
from ..orders.test_views import account_form, qty
from ..validation.test_views import form_data
from .conftest import dead_broker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LEFT_FOR_THE_SWEEP = "broker unreachable"


def _post_with_broker_down(client, url, data, caplog):
    purge_queue()  # what the setup enqueued
    with caplog.at_level(logging.WARNING, logger="lib.queue"), dead_broker():
        started = time.monotonic()
        response = client.post(url, data)
        elapsed = time.monotonic() - started
    assert elapsed < 10, f"a dead broker held the page for {elapsed:.1f} s"
    assert purge_queue() == 0  # nothing reached the real broker
    return response


def test_a_validation_request_submitted_while_the_broker_is_down_is_reviewed_later(
    client_for, admin_agent, settings, caplog, workers
):
    settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = 1  # due two seconds after submission
    client = client_for(admin_agent)

    response = _post_with_broker_down(
        client, reverse("validation:partner_new"), form_data(admin_agent.partner), caplog
    )

    request = ValidationRequest.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("validation:detail", args=[request.uuid]) + "?submitted=1"
    page = client.get(response.url)
    assert page.status_code == 200
    assert "Your request was submitted." in page.content.decode()
    assert request.status == RequestState.SUBMITTED
    warned = [r.getMessage() for r in caplog.records if LEFT_FOR_THE_SWEEP in r.getMessage()]
    assert any("screen_request_task" in m for m in warned), warned
    assert any("send_email_task" in m for m in warned), warned  # the outbox row waits too

    worker = workers.start("after-the-outage")
    wait_for(
        lambda: ValidationRequest.objects.filter(
            pk=request.pk, status=RequestState.APPROVED
        ).exists(),
        timeout=60,
    )
    assert list(request.events.order_by("at", "pk").values_list("to_state", flat=True)) == [
        RequestState.SUBMITTED,
        RequestState.IN_REVIEW,
        RequestState.APPROVED,
    ], worker.log_text()
    assert ResellerQualification.objects.filter(partner=admin_agent.partner).count() == 1
    # The "submitted" email, whose task the dead broker never took, is sent by the sweep.
    submitted = EmailNotification.objects.get(template="validation_submitted")
    submitted.next_attempt_at = timezone.now()  # its grace period elapsed
    submitted.save(update_fields=["next_attempt_at"])
    wait_for(
        lambda: EmailNotification.objects.filter(pk=submitted.pk, status="sent").exists(),
        timeout=30,
    )


def test_an_order_placed_while_the_broker_is_down_is_provisioned_later(
    client_for, seller, caplog, workers
):
    code = approved_code(seller)
    client = client_for(seller)
    subscriptions_step = client.post(reverse("orders:new_customer"), account_form(code))
    key = client.get(subscriptions_step.url).context["form"]["submission_key"].value()
    review_step = client.post(subscriptions_step.url, {"submission_key": key, qty(G3): "25"})

    response = _post_with_broker_down(client, review_step.url, {"submission_key": key}, caplog)

    order = Order.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("orders:detail", args=[order.customer.uuid, order.uuid])
    assert "was created and order" in client.get(response.url).content.decode()
    assert order.status == OrderStatus.PENDING and not order.customer.subscriptions.exists()
    assert Customer.objects.count() == 1
    assert any("provision_order_task" in r.getMessage() for r in caplog.records)

    # The sweep takes orders pending for over 30 s: this one was placed that long ago.
    Order.objects.filter(pk=order.pk).update(created_at=timezone.now() - timedelta(minutes=1))
    worker = workers.start("after-the-outage")
    wait_for(
        lambda: Order.objects.filter(pk=order.pk, status=OrderStatus.COMPLETED).exists(),
        timeout=60,
    )
    (subscription,) = order.customer.subscriptions.all()
    assert (subscription.friendly_name, subscription.quantity) == (G3, 25), worker.log_text()
    assert uuid.UUID(key) == order.submission_key
