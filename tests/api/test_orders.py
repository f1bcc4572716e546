"""Offers, customer offers, orders and subscriptions."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from orders.models import Offer, Order, OrderStatus, Subscription
from orders.services import order_provision
from partners.models import Role

from ..factories import PartnerFactory, UserFactory
from ..orders.conftest import managed_customer
from .conftest import token_for

pytestmark = pytest.mark.django_db

G3 = "4a3140ab-2d22-5221-beb5-056b62fcd1a2"  # Office 365 G3 GCC
E3 = "0556dcd2-3e9b-5bba-ad99-2537d6181e7b"  # Office 365 E3 (commercial)
ADVANCED_COMMUNICATIONS = "56fe76f5-f4ba-4fac-9561-d0daf59b01a1"  # a GCC add-on


@pytest.fixture
def gcc_customer(seller):
    return managed_customer(seller.partner, gcc=True, company_name="County of Lincoln")


@pytest.fixture
def commercial_customer(seller):
    return managed_customer(seller.partner, gcc=False, company_name="Harbor Analytics LLC")


def order_body(*lines):
    return {
        "LineItems": [
            {"LineItemNumber": n, "OfferId": offer, "Quantity": quantity}
            for n, (offer, quantity) in enumerate(lines)
        ]
    }


def orders_path(customer):
    return f"/v1/customers/{customer.tenant_id}/orders"


# --- Offers --------------------------------------------------------------------------------


def test_offers_page_by_index_to_the_last_page(seller_api):
    total = Offer.objects.filter(is_active=True).count()
    seen, uri = [], "/offers?country=US&size=10"
    while uri:
        response = seller_api.get(f"/v1{uri}")
        assert response.status_code == 200
        seen += [o["id"] for o in response.body["items"]]
        uri = response.body["links"].get("next", {}).get("uri")
    assert len(seen) == len(set(seen)) == total


def test_gcc_offers_name_their_qualifications(seller_api):
    offer = seller_api.get(f"/v1/offers/{G3}?country=US").body
    assert offer["reselleeQualifications"] == ["GovernmentCommunityCloud"]
    assert offer["resellerQualifications"] == ["GovernmentCommunityCloud"]
    assert offer["category"]["id"] == "Government_Key"
    commercial = seller_api.get(f"/v1/offers/{E3}").body
    assert commercial["reselleeQualifications"] == []


def test_offer_errors(seller_api):
    assert seller_api.get("/v1/offers/nope").status_code == 404
    response = seller_api.get("/v1/offers?country=FR")
    assert response.status_code == 400
    assert response.body["code"] == 800070
    assert seller_api.get("/v1/offers?offset=-1").status_code == 400


def test_customer_offers_follow_the_gate(seller_api, gcc_customer, commercial_customer):
    def offer_ids(customer):
        body = seller_api.get(f"/v1/customers/{customer.tenant_id}/offers?size=100").body
        return {o["id"] for o in body["items"]}

    gcc_offers = offer_ids(gcc_customer)
    assert G3 in gcc_offers and E3 not in gcc_offers
    assert ADVANCED_COMMUNICATIONS in gcc_offers  # orderable with a base suite in the order
    commercial = offer_ids(commercial_customer)
    assert E3 in commercial and G3 not in commercial


# --- Orders --------------------------------------------------------------------------------


def test_place_an_order_and_read_it(seller_api, gcc_customer):
    response = seller_api.post(orders_path(gcc_customer), order_body((G3, 25)))
    assert response.status_code == 201, response.body
    assert response.body["status"] == "pending"
    assert response.body["lineItems"][0]["offerId"] == G3
    order = Order.objects.get()
    order_provision(order_id=order.pk)
    got = seller_api.get(f"{orders_path(gcc_customer)}/{order.uuid}")
    assert got.body["status"] == "completed"
    subscription_id = got.body["lineItems"][0]["subscriptionId"]
    assert Subscription.objects.get(uuid=subscription_id).quantity == 25
    listed = seller_api.get(orders_path(gcc_customer))
    assert [o["id"] for o in listed.body["items"]] == [str(order.uuid)]


def test_line_friendly_names_name_the_subscriptions(seller_api, gcc_customer):
    body = order_body((G3, 25), (ADVANCED_COMMUNICATIONS, 5))
    body["LineItems"][0]["FriendlyName"] = "  Public works seats "
    response = seller_api.post(orders_path(gcc_customer), body)
    assert response.status_code == 201, response.body
    order_provision(order_id=Order.objects.get().pk)
    names = dict(Subscription.objects.values_list("offer__offer_id", "friendly_name"))
    assert names[G3] == "Public works seats"
    assert (
        names[ADVANCED_COMMUNICATIONS] == Offer.objects.get(offer_id=ADVANCED_COMMUNICATIONS).name
    )


def test_an_overlong_friendly_name_is_refused_and_nothing_saved(seller_api, gcc_customer):
    body = order_body((G3, 25))
    body["LineItems"][0]["FriendlyName"] = "x" * 201
    response = seller_api.post(orders_path(gcc_customer), body)
    assert response.status_code == 400, response.body
    assert "at most 200 characters" in response.body["description"]
    assert not Order.objects.exists()


def test_order_retry_with_the_same_request_id_acts_once(seller_api, gcc_customer):
    headers = {"MS-RequestId": "6e0c1f3a-1111-4a4a-9b9b-000000000042"}
    first = seller_api.post(orders_path(gcc_customer), order_body((G3, 5)), headers=headers)
    again = seller_api.post(orders_path(gcc_customer), order_body((G3, 5)), headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.body == again.body
    assert Order.objects.count() == 1


@pytest.mark.parametrize(
    ("lines", "status", "code"),
    [
        (((G3, 0),), 400, 2002),
        (((G3, 10001),), 400, 2002),
        ((("no-such-offer", 1),), 400, 800004),
        ((), 400, 800002),
        (((E3, 5),), 403, 2085),  # a GCC customer is sold GCC offers only
    ],
)
def test_order_refusals_for_a_gcc_customer(seller_api, gcc_customer, lines, status, code):
    response = seller_api.post(orders_path(gcc_customer), order_body(*lines))
    assert response.status_code == status, response.body
    assert response.body["code"] == code
    assert not Order.objects.exists()


def test_gcc_offer_for_a_commercial_customer_is_800086(seller_api, commercial_customer):
    response = seller_api.post(orders_path(commercial_customer), order_body((G3, 5)))
    assert response.status_code == 400
    assert response.body["code"] == 800086
    assert "not validated for GCC" in response.body["description"]


def test_addon_without_base_suite_is_refused(seller_api, gcc_customer):
    response = seller_api.post(orders_path(gcc_customer), order_body((ADVANCED_COMMUNICATIONS, 5)))
    assert response.status_code == 403
    assert response.body["code"] == 2085


def test_partner_without_gcc_cannot_order_gcc(api):
    agent = UserFactory(partner=PartnerFactory(), role=Role.SALES_AGENT)
    customer = managed_customer(agent.partner, gcc=True)
    response = api.post(orders_path(customer), order_body((G3, 5)), token=token_for(agent))
    assert response.status_code == 403
    assert response.body["code"] == 2006


def test_line_item_numbers_must_run_from_zero(seller_api, gcc_customer):
    body = {"lineItems": [{"lineItemNumber": 1, "offerId": G3, "quantity": 5}]}
    response = seller_api.post(orders_path(gcc_customer), body)
    assert response.status_code == 400
    assert response.body["code"] == 800071


def test_reference_customer_id_must_match(seller_api, gcc_customer):
    body = {**order_body((G3, 5)), "referenceCustomerId": "someone-else"}
    assert seller_api.post(orders_path(gcc_customer), body).body["code"] == 900118


def test_helpdesk_cannot_order(api, helpdesk, gcc_customer):
    response = api.post(orders_path(gcc_customer), order_body((G3, 5)), token=token_for(helpdesk))
    assert response.status_code == 403
    assert response.body["code"] == 900150


def test_unknown_order_is_404(seller_api, gcc_customer):
    for order_id in ["nope", "6e0c1f3a-1111-4a4a-9b9b-000000000042"]:
        response = seller_api.get(f"{orders_path(gcc_customer)}/{order_id}")
        assert response.status_code == 404
        assert response.body["code"] == 20000


def test_other_partners_orders_are_404(api, stranger, gcc_customer):
    response = api.post(orders_path(gcc_customer), order_body((G3, 5)), token=token_for(stranger))
    assert response.status_code == 404


# --- Subscriptions -------------------------------------------------------------------------


@pytest.fixture
def subscription(seller_api, gcc_customer):
    seller_api.post(orders_path(gcc_customer), order_body((G3, 25)))
    order_provision(order_id=Order.objects.get().pk)
    return Subscription.objects.get()


def sub_path(customer, subscription=None):
    base = f"/v1/customers/{customer.tenant_id}/subscriptions"
    return f"{base}/{subscription.uuid}" if subscription else base


def test_list_and_get_subscriptions(seller_api, gcc_customer, subscription):
    listed = seller_api.get(sub_path(gcc_customer))
    assert [s["id"] for s in listed.body["items"]] == [str(subscription.uuid)]
    order_id = str(subscription.order_line.order.uuid)
    by_order = seller_api.get(f"{sub_path(gcc_customer)}?order_id={order_id}")
    assert by_order.body["totalCount"] == 1
    got = seller_api.get(sub_path(gcc_customer, subscription))
    assert got.body["quantity"] == 25 and got.body["status"] == "active"
    assert got.body["orderId"] == order_id


def test_patch_quantity_status_and_name(seller_api, gcc_customer, subscription):
    path = sub_path(gcc_customer, subscription)
    response = seller_api.patch(path, {"Quantity": 30, "FriendlyName": "Clerk G3"})
    assert response.status_code == 200, response.body
    assert response.body["quantity"] == 30 and response.body["friendlyName"] == "Clerk G3"
    suspended = seller_api.patch(path, {"status": "Suspended"})
    assert suspended.body["status"] == "suspended"
    refused = seller_api.patch(path, {"quantity": 40})
    assert refused.status_code == 400
    assert "reactivate it" in refused.body["description"]


@pytest.mark.parametrize(
    ("body", "code"),
    [({"quantity": 0}, 2002), ({"quantity": 10001}, 2002), ({"status": "paused"}, 3000)],
)
def test_patch_refusals(seller_api, gcc_customer, subscription, body, code):
    response = seller_api.patch(sub_path(gcc_customer, subscription), body)
    assert response.status_code == 400
    assert response.body["code"] == code
    subscription.refresh_from_db()
    assert subscription.quantity == 25 and subscription.status == "active"


def test_helpdesk_cannot_patch(api, helpdesk, gcc_customer, subscription):
    response = api.patch(
        sub_path(gcc_customer, subscription), {"quantity": 30}, token=token_for(helpdesk)
    )
    assert response.status_code == 403
    assert response.body["code"] == 900150


def test_unknown_subscription_is_404(seller_api, gcc_customer):
    response = seller_api.get(f"{sub_path(gcc_customer)}/nope")
    assert response.status_code == 404
    assert response.body["code"] == 20003


def test_order_status_is_pending_until_provisioned(seller_api, gcc_customer):
    seller_api.post(orders_path(gcc_customer), order_body((G3, 5)))
    assert Order.objects.get().status == OrderStatus.PENDING


def test_a_subscription_says_its_term_window_and_what_it_allows(
    seller_api, gcc_customer, subscription
):
    body = seller_api.get(sub_path(gcc_customer, subscription)).body
    assert body["autoRenewEnabled"] is True and body["actions"] == ["edit", "cancel"]
    assert body["termDuration"] == "P1Y" and body["billingCycle"] == "monthly"
    until = datetime.fromisoformat(body["cancellationAllowedUntilDate"].replace("Z", "+00:00"))
    assert until == subscription.cancellation_allowed_until


def test_patch_auto_renew_and_cancel_within_the_window(seller_api, gcc_customer, subscription):
    path = sub_path(gcc_customer, subscription)
    off = seller_api.patch(path, {"autoRenewEnabled": False})
    assert off.status_code == 200 and off.body["autoRenewEnabled"] is False
    cancelled = seller_api.patch(path, {"status": "deleted"})
    assert cancelled.status_code == 200 and cancelled.body["status"] == "deleted"
    assert cancelled.body["actions"] == []
    again = seller_api.patch(path, {"quantity": 30})
    assert again.status_code == 409 and "cancelled on" in again.body["description"]


def test_cancel_after_the_window_is_409_with_the_date(seller_api, gcc_customer, subscription):
    Subscription.objects.filter(pk=subscription.pk).update(
        term_started_at=timezone.now() - timedelta(days=8)
    )
    path = sub_path(gcc_customer, subscription)
    assert seller_api.get(path).body["actions"] == ["edit"]
    refused = seller_api.patch(path, {"status": "deleted"})
    assert refused.status_code == 409
    assert "The cancellation window closed on" in refused.body["description"]
    scheduled = seller_api.patch(path, {"quantity": 10})
    assert scheduled.status_code == 200 and scheduled.body["quantity"] == 25  # at the renewal


def test_an_order_line_chooses_its_term_and_billing_cycle(seller_api, gcc_customer):
    body = order_body((G3, 5))
    body["LineItems"][0] |= {"TermDuration": "P3Y", "BillingCycle": "annual"}
    placed = seller_api.post(orders_path(gcc_customer), body)
    assert placed.status_code == 201, placed.body
    assert placed.body["lineItems"][0]["termDuration"] == "P3Y"
    order_provision(order_id=Order.objects.get().pk)
    sub = Subscription.objects.get()
    assert (sub.term, sub.billing_cycle) == ("P3Y", "annual")
    body["LineItems"][0] |= {"TermDuration": "P1M"}
    refused = seller_api.post(orders_path(gcc_customer), body)
    assert refused.status_code == 400 and "billed monthly" in refused.body["description"]
