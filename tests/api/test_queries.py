"""List routes run a bounded number of queries, whatever the number of customers."""

import pytest

from customers.models import Customer

from ..factories import CustomerFactory, bulk_book

pytestmark = pytest.mark.django_db
LIST_QUERY_BOUND = 6
# The customer-scoped lists also read the gate (partner GCC, qualifications, owned offers).
OTHER_LIST_BOUND = 10


def add_customers(partner, count):
    bulk_book(
        partner, [CustomerFactory.build(company_name=f"Agency {n:05d}") for n in range(count)]
    )


@pytest.mark.parametrize("count", [10, 1000])
def test_customer_list_queries_are_bounded(
    seller_api, seller, count, django_assert_max_num_queries
):
    add_customers(seller.partner, count)
    seller_api.get("/v1/customers?size=5")  # token's last-use update out of the way
    with django_assert_max_num_queries(LIST_QUERY_BOUND):
        first = seller_api.get("/v1/customers?size=0")
    assert first.body["totalCount"] == min(count, 100)
    following = first.body["links"].get("next")
    if following:
        headers = {h["key"]: h["value"] for h in following["headers"]}
        with django_assert_max_num_queries(LIST_QUERY_BOUND):
            second = seller_api.get(f"/v1{following['uri']}", headers=headers)
        assert second.body["items"][0]["companyProfile"]["companyName"] == "Agency 00100"


@pytest.mark.parametrize("count", [10, 1000])
def test_offer_and_subscription_lists_are_bounded(
    seller_api, seller, count, django_assert_max_num_queries
):
    add_customers(seller.partner, count)
    customer = Customer.objects.order_by("pk").first()
    for path in [
        "/v1/offers",
        f"/v1/customers/{customer.tenant_id}/offers",
        f"/v1/customers/{customer.tenant_id}/orders",
        f"/v1/customers/{customer.tenant_id}/subscriptions",
        "/v1/customers/all/validations",
    ]:
        with django_assert_max_num_queries(OTHER_LIST_BOUND):
            assert seller_api.get(path).status_code == 200
