"""Customers: create, list (seek paging, filter), get, profiles, domains."""

import json
from urllib.parse import quote

import pytest

from customers.models import Customer, CustomerRelationship
from partners.models import Role

from ..factories import IndirectResellerFactory, UserFactory
from ..orders.conftest import managed_customer
from .conftest import new_customer_body, token_for

pytestmark = pytest.mark.django_db


def test_create_customer_with_pascal_case_keys(seller_api, seller):
    response = seller_api.post("/v1/customers", new_customer_body())
    assert response.status_code == 201, response.body
    customer = Customer.objects.get(domain="countyclerk.onmicrosoft.com")
    body = response.body
    assert body["id"] == str(customer.tenant_id) == body["companyProfile"]["tenantId"]
    assert body["attributes"] == {"objectType": "Customer"}
    assert body["relationshipToPartner"] == "reseller"
    assert body["billingProfile"]["defaultAddress"]["city"] == "Austin"
    assert customer.contact_name == "Ana Ruiz"
    assert CustomerRelationship.objects.filter(partner=seller.partner, customer=customer).exists()


def test_create_refuses_a_taken_domain(seller_api):
    assert seller_api.post("/v1/customers", new_customer_body()).status_code == 201
    again = seller_api.post("/v1/customers", new_customer_body())
    assert again.status_code == 409
    assert again.body["description"] == (
        "This domain is already taken. Choose another domain prefix."
    )


def test_create_validates_input(seller_api):
    body = new_customer_body()
    body["CompanyProfile"]["Domain"] = "not a domain"
    del body["BillingProfile"]["Email"]
    response = seller_api.post("/v1/customers", body)
    assert response.status_code == 400
    assert response.body["code"] == 800002
    assert any("domain" in item for item in response.body["data"])
    assert any("email" in item for item in response.body["data"])


def test_create_needs_a_phone_number(seller_api):
    body = new_customer_body()
    del body["BillingProfile"]["DefaultAddress"]["PhoneNumber"]
    response = seller_api.post("/v1/customers", body)
    assert response.status_code == 400
    assert response.body["code"] == 3000
    assert "phone number" in response.body["description"]
    assert not Customer.objects.exists()


def test_a_malformed_phone_number_is_refused_as_on_the_page(seller_api):
    body = new_customer_body()
    body["BillingProfile"]["DefaultAddress"]["PhoneNumber"] = "call me maybe"
    response = seller_api.post("/v1/customers", body)
    assert response.status_code == 400
    assert "Enter a phone number" in response.body["description"]
    assert not Customer.objects.exists()


def test_malformed_json_is_400(seller_api):
    response = seller_api.post("/v1/customers", raw="{not json")
    assert response.status_code == 400
    assert response.body["code"] == 800002


def test_helpdesk_agent_cannot_create_customers(api, helpdesk):
    response = api.post("/v1/customers", new_customer_body(), token=token_for(helpdesk))
    assert response.status_code == 403
    assert response.body["code"] == 900150
    assert not Customer.objects.exists()


def test_create_is_idempotent_by_request_id(seller_api):
    headers = {"MS-RequestId": "0b7b8a90-0000-4000-8000-000000000001"}
    first = seller_api.post("/v1/customers", new_customer_body(), headers=headers)
    again = seller_api.post("/v1/customers", new_customer_body(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.body == first.body
    assert Customer.objects.count() == 1
    other = seller_api.post(
        "/v1/customers", new_customer_body(), headers={"MS-RequestId": "another-id"}
    )
    assert other.status_code == 409  # a new id acts again (and finds the domain taken)


def test_indirect_provider_creates_for_its_reseller(api):
    reseller = IndirectResellerFactory()
    provider_agent = UserFactory(partner=reseller.indirect_provider, role=Role.ADMIN_AGENT)
    body = new_customer_body(AssociatedPartnerId=str(reseller.tenant_id))
    response = api.post("/v1/customers", body, token=token_for(provider_agent))
    assert response.status_code == 201, response.body
    assert response.body["associatedPartnerId"] == str(reseller.tenant_id)
    relationship = CustomerRelationship.objects.get()
    assert relationship.indirect_reseller == reseller
    listed = api.get(
        "/v1/customers?filter="
        + quote(json.dumps({"Field": "IndirectReseller", "Value": str(reseller.tenant_id)})),
        token=token_for(provider_agent),
    )
    assert [c["id"] for c in listed.body["items"]] == [response.body["id"]]


def test_create_refuses_another_providers_reseller(seller_api):
    stranger_reseller = IndirectResellerFactory()
    body = new_customer_body(associatedPartnerId=str(stranger_reseller.tenant_id))
    response = seller_api.post("/v1/customers", body)
    assert response.status_code == 400
    assert response.body["code"] == 800016
    assert not Customer.objects.exists()


def test_get_customer_and_profiles(seller_api, seller):
    customer = managed_customer(seller.partner, gcc=False, company_name="Harbor Analytics LLC")
    cid = str(customer.tenant_id)
    got = seller_api.get(f"/v1/customers/{cid}")
    assert got.status_code == 200 and got.body["companyProfile"]["companyName"] == (
        "Harbor Analytics LLC"
    )
    company = seller_api.get(f"/v1/customers/{cid}/profiles/company")
    assert company.body["attributes"]["objectType"] == "CustomerCompanyProfile"
    billing = seller_api.get(f"/v1/customers/{cid}/profiles/billing")
    assert billing.body["attributes"]["objectType"] == "CustomerBillingProfile"


def test_other_partners_customer_is_404(api, stranger, seller):
    customer = managed_customer(seller.partner, gcc=False)
    token = token_for(stranger)
    for path in ["", "/profiles/company", "/profiles/billing", "/qualifications", "/orders"]:
        response = api.get(f"/v1/customers/{customer.tenant_id}{path}", token=token)
        assert response.status_code == 404, path
        assert response.body["code"] == 60003


def test_malformed_customer_id_is_400(seller_api):
    response = seller_api.get("/v1/customers/not-a-guid")
    assert response.status_code == 400
    assert response.body["code"] == 900118


def billing_body(**overrides):
    body = new_customer_body()["BillingProfile"]
    body.update(overrides)
    return body


def test_billing_profile_put_by_helpdesk_with_etag(api, helpdesk, seller):
    customer = managed_customer(seller.partner, gcc=False)
    token = token_for(helpdesk)
    path = f"/v1/customers/{customer.tenant_id}/profiles/billing"
    etag = api.get(path, token=token).body["attributes"]["etag"]
    response = api.put(
        path, billing_body(Email="new@example.gov"), token=token, headers={"If-Match": etag}
    )
    assert response.status_code == 200, response.body
    customer.refresh_from_db()
    assert customer.contact_email == "new@example.gov"
    stale = api.put(path, billing_body(), token=token, headers={"If-Match": etag})
    assert stale.status_code == 412
    assert stale.body["code"] == 2055


def test_sales_agent_cannot_edit_billing_profile(seller_api, seller):
    customer = managed_customer(seller.partner, gcc=False)
    response = seller_api.put(
        f"/v1/customers/{customer.tenant_id}/profiles/billing", billing_body()
    )
    assert response.status_code == 403
    assert response.body["code"] == 900150


def test_domain_check(seller_api, seller):
    managed_customer(seller.partner, gcc=False, domain="taken.onmicrosoft.com")
    assert seller_api.head("/v1/domains/taken.onmicrosoft.com").status_code == 200
    assert seller_api.head("/v1/domains/free.onmicrosoft.com").status_code == 404
    assert seller_api.get("/v1/domains/TAKEN.onmicrosoft.com").status_code == 200
    assert seller_api.head("/v1/domains/x", token=None).status_code == 401


def test_list_pages_to_the_last_page(seller_api, seller, stranger):
    for n in range(7):
        managed_customer(seller.partner, gcc=False, company_name=f"Agency {n}")
    managed_customer(stranger.partner, gcc=False, company_name="Agency of someone else")
    seen, response = [], seller_api.get("/v1/customers?size=3")
    pages = 1
    while True:
        assert response.status_code == 200
        seen += [c["companyProfile"]["companyName"] for c in response.body["items"]]
        assert response.body["totalCount"] == len(response.body["items"])
        following = response.body["links"].get("next")
        if not following:
            break
        headers = {h["key"]: h["value"] for h in following["headers"]}
        response = seller_api.get(f"/v1{following['uri']}", headers=headers)
        pages += 1
    assert pages == 3
    assert seen == [f"Agency {n}" for n in range(7)]


def test_size_zero_means_the_default_page(seller_api, seller):
    managed_customer(seller.partner, gcc=False)
    response = seller_api.get("/v1/customers?size=0")
    assert response.body["totalCount"] == 1 and "next" not in response.body["links"]


@pytest.mark.parametrize(
    "query",
    [
        "size=-1",
        "size=abc",
        "size=501",
        "seekOperation=Next",
        "filter=%7Bbad",
        "filter=" + quote(json.dumps({"Field": "Phone", "Value": "1"})),
        "filter=" + quote(json.dumps({"Field": "Domain", "Value": "a", "Operator": "equals"})),
    ],
)
def test_bad_list_parameters_are_400(seller_api, query):
    response = seller_api.get(f"/v1/customers?{query}")
    assert response.status_code == 400
    assert response.body["code"] == 800002


def test_filter_starts_with_case_insensitive(seller_api, seller):
    managed_customer(seller.partner, gcc=False, company_name="Lincoln County", domain="lc.gov")
    managed_customer(seller.partner, gcc=False, company_name="Harbor Analytics", domain="ha.com")
    by_name = seller_api.get(
        "/v1/customers?filter="
        + quote(json.dumps({"Field": "CompanyName", "Value": "linc", "Operator": "starts_with"}))
    )
    assert [c["companyProfile"]["companyName"] for c in by_name.body["items"]] == ["Lincoln County"]
    by_domain = seller_api.get(
        "/v1/customers?filter=" + quote(json.dumps({"field": "Domain", "value": "HA"}))
    )
    assert [c["companyProfile"]["domain"] for c in by_domain.body["items"]] == ["ha.com"]
