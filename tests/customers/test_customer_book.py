"""The customer list of a big book: keyset pages, a capped count, the GCC status kept on the
partner's relationship row by the services that change it."""

import uuid

import pytest
from django.core.cache import cache
from django.urls import reverse

from customers import selectors
from validation import services as validation_services

from ..factories import (
    CustomerFactory,
    UserFactory,
    bulk_book,
    customer_request_data,
    gcc_partner,
    manage,
)
from .listing import listed_names, page_link

pytestmark = pytest.mark.django_db
LIST = reverse("customers:list")


@pytest.fixture
def seller():
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"))


def book(partner, count: int, name="Agency"):
    customers = bulk_book(
        partner,
        [
            CustomerFactory.build(
                company_name=f"{name} {n:03d}",
                domain=f"{name.replace(' ', '').lower()}{n}.onmicrosoft.com",
            )
            for n in range(count)
        ],
    )
    return sorted(c.company_name for c in customers)


names = listed_names


def follow(client, response, rel: str):
    query = page_link(response, "next" if rel == "next" else "prev")
    return None if query is None else client.get(f"{LIST}?{query}")


class TestKeysetPages:
    def test_next_walks_the_whole_book_in_order_and_previous_walks_it_back(
        self, client_for, seller
    ):
        expected = book(seller.partner, 60)
        client = client_for(seller)
        response, seen = client.get(LIST), []
        while response is not None:
            seen += names(response)
            last = response
            response = follow(client, response, "next")
        assert seen == expected
        assert names(last) == expected[50:]

        back, response = [], client.get(LIST, {"page": "last"})
        assert names(response) == expected[-25:]
        while response is not None:
            back = names(response) + back
            response = follow(client, response, "previous")
        assert back == expected

    def test_the_first_page_has_no_previous_and_the_last_no_next(self, client_for, seller):
        book(seller.partner, 30)
        client = client_for(seller)
        first = client.get(LIST).content.decode()
        assert 'rel="next"' in first and 'rel="prev"' not in first
        last = client.get(LIST, {"page": "last"}).content.decode()
        assert 'rel="prev"' in last and 'rel="next"' not in last

    def test_a_tampered_cursor_shows_the_first_page(self, client_for, seller):
        expected = book(seller.partner, 30)
        response = client_for(seller).get(LIST, {"page": "next", "cursor": "forged:1"})
        assert response.status_code == 200
        assert names(response) == expected[:25]

    def test_pages_keep_the_search_and_filters(self, client_for, seller):
        book(seller.partner, 30, name="Water District")
        book(seller.partner, 30, name="County")
        client = client_for(seller)
        response = client.get(LIST, {"q": "water"})
        assert all("Water" in name for name in names(response))
        response = follow(client, response, "next")
        assert len(names(response)) == 5 and all("Water" in n for n in names(response))

    def test_a_whole_domain_finds_that_customer_and_part_of_one_finds_its_kin(
        self, client_for, seller
    ):
        book(seller.partner, 30)
        client = client_for(seller)
        assert names(client.get(LIST, {"q": "Agency12.onmicrosoft.com"})) == ["Agency 012"]
        assert names(client.get(LIST, {"q": "agency1.onmicro"})) == ["Agency 001"]
        assert len(names(client.get(LIST, {"q": "onmicrosoft.com"}))) == 25

    def test_the_count_stops_at_the_limit(self, client_for, seller, monkeypatch):
        book(seller.partner, 30)
        monkeypatch.setattr(selectors, "COUNT_LIMIT", 20)
        assert "More than 20 customers" in client_for(seller).get(LIST).content.decode()
        cache.clear()  # the limit changed under the list's cached page
        monkeypatch.setattr(selectors, "COUNT_LIMIT", 30)
        assert "30 customers" in client_for(seller).get(LIST).content.decode()

    @pytest.mark.parametrize("size", [10, 1000])
    def test_search_and_filters_run_the_same_queries_at_10_and_1000(
        self, client_for, seller, django_assert_max_num_queries, size
    ):
        book(seller.partner, size)
        client = client_for(seller)
        for params in (
            {"q": "agency 00"},
            {"q": str(uuid.uuid4())},
            {"status": "pending"},
            {"qualification": "none", "page": "last"},
        ):
            with django_assert_max_num_queries(9):
                assert client.get(LIST, params).status_code == 200


class TestGccStatusOnTheRow:
    """The list filters on a copy of the customer's GCC status: each service that changes the
    standing updates it (validation.signals), and every partner managing the customer sees it."""

    def submit(self, seller, customer):
        return validation_services.customer_validation_submit(
            actor=seller,
            submission_key=uuid.uuid4(),
            intake=customer_request_data(seller.partner, domain="lincoln.gov"),
            customer=customer,
        )

    def listed(self, client, status):
        return names(client.get(LIST, {"status": status}))

    def test_submitted_is_pending_then_approved_is_validated(self, client_for, seller):
        other = UserFactory(partner=gcc_partner(name="Contoso Gov"))
        customer = CustomerFactory(company_name="County of Lincoln")
        manage(seller.partner, customer)
        manage(other.partner, customer)
        client = client_for(seller)
        assert self.listed(client, "none") == ["County of Lincoln"]

        request = self.submit(seller, customer)
        assert self.listed(client, "pending") == ["County of Lincoln"]
        assert self.listed(client, "none") == []

        validation_services.validation_request_approve(request_id=request.pk)
        assert self.listed(client, "validated") == ["County of Lincoln"]
        assert self.listed(client_for(other), "validated") == ["County of Lincoln"]
        assert names(client.get(LIST, {"qualification": "GovernmentCommunityCloud"})) == [
            "County of Lincoln"
        ]

    def test_rejected_is_rejected(self, client_for, seller, reviewer):
        customer = CustomerFactory(company_name="County of Lincoln")
        manage(seller.partner, customer)
        request = self.submit(seller, customer)
        validation_services.validation_request_reject(
            request_id=request.pk, actor=reviewer, reason="Not a government entity."
        )
        assert self.listed(client_for(seller), "rejected") == ["County of Lincoln"]

    def test_a_renamed_customer_is_listed_under_its_new_name(self, client_for, seller):
        from dataclasses import replace

        from customers.services import BillingProfile, customer_billing_profile_update

        customer = CustomerFactory(company_name="Lincoln County")
        manage(seller.partner, customer)
        client = client_for(seller)
        assert names(client.get(LIST)) == ["Lincoln County"]  # now in the page cache
        admin = UserFactory(partner=seller.partner, role="admin_agent")
        profile = replace(BillingProfile.of(customer), company_name="County of Lincoln, NE")
        customer_billing_profile_update(actor=admin, customer=customer, profile=profile)
        assert names(client.get(LIST)) == ["County of Lincoln, NE"]
        assert names(client.get(LIST, {"q": "of lincoln"})) == ["County of Lincoln, NE"]


class TestPageCache:
    """A page of the list shown again comes from the cache, filed under the partner's book
    version: every change to the book shows at once, and a cache outage is only slower."""

    def test_a_page_shown_again_runs_no_page_or_count_query(
        self, client_for, seller, django_assert_num_queries
    ):
        book(seller.partner, 30)
        client = client_for(seller)
        with django_assert_num_queries(6):  # session, user, GCC, page rows, customers, count
            first = client.get(LIST, {"q": "agency"})
        with django_assert_num_queries(3):
            again = client.get(LIST, {"q": "agency"})
        assert names(again) == names(first) and len(names(again)) == 25

    def test_a_new_customer_shows_at_once_on_every_user_s_list(self, client_for, seller):
        book(seller.partner, 3)
        colleague = UserFactory(partner=seller.partner, role="admin_agent")
        assert names(client_for(seller).get(LIST)) == ["Agency 000", "Agency 001", "Agency 002"]
        assert names(client_for(colleague).get(LIST)) == ["Agency 000", "Agency 001", "Agency 002"]
        manage(seller.partner, CustomerFactory(company_name="Agency 0015"))
        expected = ["Agency 000", "Agency 001", "Agency 0015", "Agency 002"]
        assert names(client_for(seller).get(LIST)) == expected
        assert names(client_for(colleague).get(LIST)) == expected

    def test_one_partner_s_change_keeps_another_s_pages(
        self, client_for, seller, django_assert_num_queries
    ):
        other = UserFactory(partner=gcc_partner(name="Contoso Gov"))
        book(other.partner, 3, name="Contoso")
        client = client_for(other)
        client.get(LIST)
        manage(seller.partner, CustomerFactory(company_name="Tailspin's own"))
        with django_assert_num_queries(3):  # still cached: Contoso's book did not change
            assert names(client.get(LIST)) == ["Contoso 000", "Contoso 001", "Contoso 002"]

    def test_with_the_cache_unreachable_the_list_still_shows(self, client_for, seller, settings):
        book(seller.partner, 3)
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            }
        }
        response = client_for(seller).get(LIST)
        assert response.status_code == 200
        assert names(response) == ["Agency 000", "Agency 001", "Agency 002"]
