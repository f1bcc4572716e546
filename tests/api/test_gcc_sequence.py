"""The GCC sequence of the reference's section 13, through the API alone.

The review runs in the real review engine: ``sweep_reviews`` with the accelerated clock (one
business day = one second), as the beat task does in a worker.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from orders.models import Order
from orders.services import order_provision
from validation.services import sweep_reviews

from .conftest import new_customer_body
from .test_qualifications import intake

pytestmark = pytest.mark.django_db
G3 = "4a3140ab-2d22-5221-beb5-056b62fcd1a2"
GCC = "GovernmentCommunityCloud"


def test_the_gcc_sequence_end_to_end(seller_api, seller, settings):
    settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = 1
    api = seller_api

    # 1. Create the customer.
    created = api.post("/v1/customers", new_customer_body("lincolncounty"))
    assert created.status_code == 201
    cid = created.body["id"]

    # 2. No qualification yet; the customer may buy commercial offers only.
    assert api.get(f"/v1/customers/{cid}/qualifications").body == []
    offers = {o["id"] for o in api.get(f"/v1/customers/{cid}/offers").body["items"]}
    assert G3 not in offers

    # No code yet: the partner submits the customer's GCC validation (sandbox extension).
    assert api.get("/v1/customers/all/validations").body == []
    submitted = api.post(f"/v1/customers/{cid}/validations", intake(seller))
    assert submitted.body["vettingStatus"] == "InReview"
    statuses = api.get(f"/v1/customers/{cid}/qualifications").body
    assert [q["vettingStatus"] for q in statuses] == ["InReview"]

    # The review engine screens it, then decides it when due (two accelerated business days).
    sweep_reviews()
    assert api.get(f"/v1/customers/{cid}/qualifications").body[0]["vettingStatus"] == "InReview"
    report = sweep_reviews(now=timezone.now() + timedelta(days=7))
    assert list(report.decided.values()) == ["approved"]

    # 3-5. The approval qualified the customer with the new code, listed with its creates.
    qualifications = api.get(f"/v1/customers/{cid}/qualifications").body
    assert [(q["qualification"], q["vettingStatus"]) for q in qualifications] == [(GCC, "Approved")]
    codes = api.get("/v1/customers/all/validations").body
    assert len(codes) == 1 and codes[0]["remainingCreates"] == 5
    code = codes[0]["validationId"]

    # A second new customer of the same organization gets GCC with the code (one create).
    second = api.post("/v1/customers", new_customer_body("lincolnclerk")).body["id"]
    applied = api.post(
        f"/v1/customers/{second}/qualifications",
        {"qualification": GCC, "validationCode": code},
    )
    assert applied.status_code == 201 and applied.body["vettingStatus"] == "Approved"
    assert api.get("/v1/customers/all/validations").body[0]["remainingCreates"] == 4

    offers = {o["id"] for o in api.get(f"/v1/customers/{second}/offers").body["items"]}
    assert G3 in offers

    # 6. Order GCC offers; the worker provisions the order.
    order = api.post(
        f"/v1/customers/{second}/orders",
        {"lineItems": [{"lineItemNumber": 0, "offerId": G3, "quantity": 25}]},
    )
    assert order.status_code == 201
    order_provision(order_id=Order.objects.get().pk)
    placed = api.get(f"/v1/customers/{second}/orders/{order.body['id']}").body
    assert placed["status"] == "completed"
    subscriptions = api.get(f"/v1/customers/{second}/subscriptions").body["items"]
    assert [(s["offerId"], s["quantity"]) for s in subscriptions] == [(G3, 25)]

    # 7. Which code each customer used.
    assert api.get(f"/v1/customers/{second}/validations").body["validationId"] == code
    assert api.get(f"/v1/customers/{cid}/validations").body["validationId"] == code
