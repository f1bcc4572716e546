"""What a typed Partner Center client needs from /v1/ (issue 14): date-times, the partner of
record, the customer's resellers, offer categories, ending a relationship, provisioning
status and carts. Every answer is checked against the OpenAPI document (conftest.Api)."""

import json
import re
from datetime import datetime
from urllib.parse import quote

import pytest

from customers.models import CustomerRelationship
from orders.models import Cart, Order
from orders.services import order_provision
from partners.models import PartnerType, Role

from ..factories import IndirectResellerFactory, UserFactory, gcc_partner
from ..orders.conftest import managed_customer
from .conftest import new_customer_body, token_for

pytestmark = pytest.mark.django_db
G3 = "4a3140ab-2d22-5221-beb5-056b62fcd1a2"  # Office 365 G3 GCC
E3 = "0556dcd2-3e9b-5bba-ad99-2537d6181e7b"  # Office 365 E3 (commercial)
DATE_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
RESELLER_MPN = "6273058"


def date_fields(body, path=""):
    """Every (path, value) of a key that names a date or a moment, anywhere in ``body``."""
    if isinstance(body, dict):
        for key, value in body.items():
            if key.endswith(("Date", "Timestamp")) and isinstance(value, str):
                yield f"{path}.{key}", value
            else:
                yield from date_fields(value, f"{path}.{key}")
    elif isinstance(body, list):
        for n, item in enumerate(body):
            yield from date_fields(item, f"{path}[{n}]")


@pytest.fixture
def provider_agent(db):
    """An admin agent of a GCC-qualified indirect provider with one indirect reseller."""
    provider = gcc_partner(
        name="Fabrikam Distribution", partner_type=PartnerType.INDIRECT_PROVIDER, mpn_id="5120934"
    )
    IndirectResellerFactory(name="Northwind", indirect_provider=provider, mpn_id=RESELLER_MPN)
    return UserFactory(partner=provider, role=Role.ADMIN_AGENT)


@pytest.fixture
def reseller(provider_agent):
    return provider_agent.partner.indirect_resellers.get()


def order_body(offer=G3, quantity=5, **line):
    return {"lineItems": [{"lineItemNumber": 0, "offerId": offer, "quantity": quantity, **line}]}


class TestDates:
    def test_every_date_of_a_subscription_and_an_order_is_a_utc_date_time(self, seller_api, seller):
        customer = managed_customer(seller.partner, gcc=True)
        cid = customer.tenant_id
        placed = seller_api.post(f"/v1/customers/{cid}/orders", order_body())
        order_provision(order_id=Order.objects.get().pk)
        sub_id = seller_api.get(f"/v1/customers/{cid}/subscriptions").body["items"][0]["id"]
        answers = [
            placed.body,
            seller_api.get(f"/v1/customers/{cid}/orders").body,
            seller_api.get(f"/v1/customers/{cid}/subscriptions").body,
            seller_api.get(f"/v1/customers/{cid}/subscriptions/{sub_id}").body,
            seller_api.patch(f"/v1/customers/{cid}/subscriptions/{sub_id}", {"quantity": 6}).body,
            seller_api.get(f"/v1/customers/{cid}/subscriptions/{sub_id}/provisioningstatus").body,
        ]
        found = [field for body in answers for field in date_fields(body)]
        assert {path.rsplit(".", 1)[-1] for path, _ in found} >= {
            "creationDate",
            "effectiveStartDate",
            "commitmentEndDate",
            "endDate",
        }
        for path, value in found:
            assert DATE_TIME.match(value), (path, value)
            datetime.fromisoformat(value)  # what a typed client does with it


class TestPartnerOfRecord:
    def test_a_reseller_s_partner_id_is_kept_echoed_and_filters_subscriptions(
        self, api, provider_agent, reseller
    ):
        api.token = token_for(provider_agent)
        relationships = api.get(
            "/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf"
        )
        assert [r["mpnId"] for r in relationships.body["items"]] == [RESELLER_MPN]
        customer = managed_customer(provider_agent.partner, gcc=True, indirect_reseller=reseller)
        cid = customer.tenant_id
        placed = api.post(f"/v1/customers/{cid}/orders", order_body(partnerIdOnRecord=RESELLER_MPN))
        assert placed.status_code == 201, placed.body
        assert placed.body["lineItems"][0]["partnerIdOnRecord"] == RESELLER_MPN
        order_provision(order_id=Order.objects.get().pk)
        subs = api.get(f"/v1/customers/{cid}/subscriptions?mpn_id={RESELLER_MPN}").body["items"]
        assert [s["partnerId"] for s in subs] == [RESELLER_MPN]
        assert api.get(f"/v1/customers/{cid}/subscriptions?mpn_id=1234567").body["items"] == []

    @pytest.mark.parametrize(
        ("mpn_id", "status", "code"),
        [("9999999", 404, 800015), ("own", 404, 2072), ("direct", 400, 800016)],
    )
    def test_a_wrong_partner_id_is_refused_and_nothing_is_ordered(
        self, api, provider_agent, reseller, mpn_id, status, code
    ):
        if mpn_id == "own":
            mpn_id = provider_agent.partner.mpn_id
        elif mpn_id == "direct":
            mpn_id = gcc_partner(name="Contoso", mpn_id="4811237").mpn_id
        customer = managed_customer(provider_agent.partner, gcc=True, indirect_reseller=reseller)
        response = api.post(
            f"/v1/customers/{customer.tenant_id}/orders",
            order_body(partnerIdOnRecord=mpn_id),
            token=token_for(provider_agent),
        )
        assert (response.status_code, response.body["code"]) == (status, code)
        assert not Order.objects.exists()


class TestCustomerRelationshipsAndFilters:
    def test_a_customer_s_resellers_and_the_provider_filter(self, api, provider_agent, reseller):
        customer = managed_customer(provider_agent.partner, gcc=False, indirect_reseller=reseller)
        listed = api.get(
            f"/v1/customers/{customer.tenant_id}/relationships", token=token_for(provider_agent)
        )
        assert [(r["id"], r["relationshipType"], r["mpnId"]) for r in listed.body["items"]] == [
            (str(reseller.tenant_id), "is_indirect_reseller_of", RESELLER_MPN)
        ]
        reseller_agent = UserFactory(partner=reseller, role=Role.ADMIN_AGENT)
        own = managed_customer(reseller, gcc=False)
        for value, expected in ((provider_agent.partner.tenant_id, [own]), ("Other", [])):
            spec = {"Field": "IndirectCloudSolutionProvider", "Value": str(value)}
            found = api.get(
                f"/v1/customers?filter={quote(json.dumps(spec))}", token=token_for(reseller_agent)
            )
            assert [c["id"] for c in found.body["items"]] == [str(c.tenant_id) for c in expected]

    @pytest.mark.parametrize("operator", ["starts_with", "StartsWith", "STARTSWITH"])
    def test_the_operator_in_the_sdks_spellings(self, seller_api, seller, operator):
        customer = managed_customer(seller.partner, gcc=False, company_name="Lincoln County")
        spec = {"Field": "CompanyName", "Value": "linc", "Operator": operator}
        found = seller_api.get(f"/v1/customers?filter={quote(json.dumps(spec))}")
        assert [c["id"] for c in found.body["items"]] == [str(customer.tenant_id)]

    def test_allow_delegated_access_is_on_the_get_by_id_only(self, seller_api, seller):
        created = seller_api.post("/v1/customers", new_customer_body())
        assert "allowDelegatedAccess" not in created.body
        listed = seller_api.get("/v1/customers").body["items"]
        assert all("allowDelegatedAccess" not in c for c in listed)
        assert (
            seller_api.get(f"/v1/customers/{created.body['id']}").body["allowDelegatedAccess"]
            is False
        )


class TestOfferCategories:
    def test_the_market_s_and_a_customer_s_before_and_after_gcc(self, seller_api, seller):
        market = seller_api.get("/v1/offercategories?country=US").body["items"]
        assert [c["id"] for c in market] == ["Government_Key", "Business_Key"]
        commercial = managed_customer(seller.partner, gcc=False)
        gcc = managed_customer(seller.partner, gcc=True)
        for customer, expected in ((commercial, ["Business_Key"]), (gcc, ["Government_Key"])):
            path = f"/v1/customers/{customer.tenant_id}/offercategories"
            assert [c["id"] for c in seller_api.get(path).body["items"]] == expected
        assert seller_api.get("/v1/offercategories?country=FR").body["code"] == 800070


class TestEndingTheRelationship:
    def test_the_customer_leaves_the_list(self, api, seller):
        admin = UserFactory(partner=seller.partner, role=Role.ADMIN_AGENT)
        customer = managed_customer(seller.partner, gcc=False)
        path = f"/v1/customers/{customer.tenant_id}"
        api.token = token_for(admin)
        ended = api.patch(path, {"RelationshipToPartner": "none"})
        assert ended.status_code == 200 and ended.body["relationshipToPartner"] == "none"
        assert api.get(path).body["code"] == 60003
        assert api.get("/v1/customers").body["items"] == []

    def test_refused_while_subscriptions_are_active_and_for_a_sales_agent(self, api, seller):
        admin = UserFactory(partner=seller.partner, role=Role.ADMIN_AGENT)
        customer = managed_customer(seller.partner, gcc=True)
        path = f"/v1/customers/{customer.tenant_id}"
        api.post(f"{path}/orders", order_body(), token=token_for(seller))
        order_provision(order_id=Order.objects.get().pk)
        refused = api.patch(path, {"relationshipToPartner": "none"}, token=token_for(admin))
        assert (refused.status_code, refused.body["code"]) == (409, 3000)
        assert "1 active subscription" in refused.body["description"]
        by_sales = api.patch(path, {"relationshipToPartner": "none"}, token=token_for(seller))
        assert (by_sales.status_code, by_sales.body["code"]) == (403, 900150)
        assert CustomerRelationship.objects.filter(customer=customer).exists()


class TestProvisioningStatus:
    def test_an_order_s_lines_go_from_pending_to_fulfilled(self, seller_api, seller):
        customer = managed_customer(seller.partner, gcc=True)
        placed = seller_api.post(f"/v1/customers/{customer.tenant_id}/orders", order_body())
        status_uri = placed.body["links"]["provisioningStatus"]["uri"]
        lines = seller_api.get(f"/v1{status_uri}").body["items"]
        assert [(line["lineItemNumber"], line["status"]) for line in lines] == [(0, "pending")]
        order_provision(order_id=Order.objects.get().pk)
        lines = seller_api.get(f"/v1{status_uri}").body["items"]
        assert lines[0]["status"] == "fulfilled"
        assert lines[0]["quantityProvisioningInformation"] == [
            {"quantity": 5, "status": "fulfilled"}
        ]


class TestCarts:
    def test_a_refused_line_then_a_fixed_cart_checked_out_once(self, seller_api, seller):
        customer = managed_customer(seller.partner, gcc=False)
        carts = f"/v1/customers/{customer.tenant_id}/carts"
        created = seller_api.post(
            carts, {"lineItems": [{"id": 0, "catalogItemId": f"{G3}:0001:0001", "quantity": 5}]}
        )
        assert created.status_code == 201 and created.body["status"] == "Active"
        assert created.body["lineItems"][0]["error"]["errorCode"] == 800086  # not GCC
        cart = f"{carts}/{created.body['id']}"
        failed = seller_api.post(f"{cart}/checkout")
        assert failed.body["orders"] == [] and failed.body["orderErrors"][0]["code"] == 800086

        fixed = seller_api.put(cart, {"lineItems": [{"catalogItemId": E3, "quantity": 3}]})
        assert "error" not in fixed.body["lineItems"][0]
        checkout = seller_api.post(f"{cart}/checkout", headers={"MS-RequestId": "checkout-1"})
        assert checkout.status_code == 201, checkout.body
        assert [line["offerId"] for line in checkout.body["orders"][0]["lineItems"]] == [E3]
        retried = seller_api.post(f"{cart}/checkout", headers={"MS-RequestId": "checkout-1"})
        assert retried.body == checkout.body
        again = seller_api.post(f"{cart}/checkout", headers={"MS-RequestId": "checkout-2"})
        assert (again.status_code, again.body["code"]) == (400, 800065)
        assert Order.objects.count() == 1
        assert Cart.objects.get().status == "Ordered"
        assert seller_api.get(cart).body["status"] == "Ordered"

    def test_another_partner_s_cart_is_a_404(self, api, seller, stranger):
        customer = managed_customer(seller.partner, gcc=False)
        carts = f"/v1/customers/{customer.tenant_id}/carts"
        created = api.post(
            carts, {"lineItems": [{"catalogItemId": E3, "quantity": 1}]}, token=token_for(seller)
        )
        managed_customer(stranger.partner, gcc=False)
        response = api.get(f"{carts}/{created.body['id']}", token=token_for(stranger))
        assert response.status_code == 404


def test_the_sdk_s_gcc_sequence_for_an_indirect_reseller_s_customer(
    api, provider_agent, reseller, settings
):
    """Reference section 13 as an indirect provider runs it, through /v1/ alone."""
    from datetime import timedelta

    from django.utils import timezone

    from validation.services import sweep_reviews

    from .test_qualifications import intake

    settings.GCC_REVIEW_BUSINESS_DAY_SECONDS = 1
    api.token = token_for(provider_agent)
    created = api.post(
        "/v1/customers", new_customer_body("lincoln", AssociatedPartnerId=str(reseller.tenant_id))
    )
    cid = created.body["id"]
    assert api.get(f"/v1/customers/{cid}/qualifications").body == []
    categories = api.get(f"/v1/customers/{cid}/offercategories").body["items"]
    assert [c["id"] for c in categories] == ["Business_Key"]

    api.post(f"/v1/customers/{cid}/validations", intake(provider_agent))
    sweep_reviews()
    sweep_reviews(now=timezone.now() + timedelta(days=7))
    assert [q["vettingStatus"] for q in api.get(f"/v1/customers/{cid}/qualifications").body] == [
        "Approved"
    ]
    categories = api.get(f"/v1/customers/{cid}/offercategories").body["items"]
    assert [c["id"] for c in categories] == ["Government_Key"]
    assert G3 in {o["id"] for o in api.get(f"/v1/customers/{cid}/offers").body["items"]}

    participants = [{"key": "transaction_reseller", "value": RESELLER_MPN}]
    cart = api.post(
        f"/v1/customers/{cid}/carts",
        {"lineItems": [{"catalogItemId": G3, "quantity": 10, "participants": participants}]},
    ).body
    assert "error" not in cart["lineItems"][0]
    checkout = api.post(f"/v1/customers/{cid}/carts/{cart['id']}/checkout").body
    order = checkout["orders"][0]
    assert order["lineItems"][0]["partnerIdOnRecord"] == RESELLER_MPN
    order_provision(order_id=Order.objects.get().pk)
    subscription = api.get(f"/v1/customers/{cid}/subscriptions").body["items"][0]
    assert (subscription["offerId"], subscription["partnerId"]) == (G3, RESELLER_MPN)
    assert api.get(f"/v1/customers/{cid}/validations").body["validationId"]
