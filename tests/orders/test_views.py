"""Ordering in the browser's terms: the new-customer flow and Add subscriptions."""

import uuid

import pytest
from django.urls import reverse

from customers.models import Customer
from orders.models import Offer, Order, OrderStatus
from orders.services import CartLine, order_place, order_provision
from partners.models import Role

from ..factories import UserFactory, customer_account_form_data
from .conftest import E3, G3, approved_code, managed_customer

pytestmark = pytest.mark.django_db


def qty(name) -> str:
    return f"quantity_{Offer.objects.get(name=name).offer_id}"


def account_form(code=None, **overrides) -> dict:
    return customer_account_form_data(code, next="subscriptions", **overrides)


class TestNewCustomerFlow:
    def test_account_then_subscriptions_then_review_then_submit(self, client_for, seller):
        code = approved_code(seller)
        client = client_for(seller)

        step1 = client.post(reverse("orders:new_customer"), account_form(code))
        assert step1.url == reverse("orders:new_customer_subscriptions")
        assert not Customer.objects.exists()  # nothing is created before Submit

        page = client.get(step1.url)
        assert page.status_code == 200
        key = page.context["form"]["submission_key"].value()
        html = page.content.decode()
        assert "not available here: A GCC customer can be sold GCC offers only." in html

        step2 = client.post(step1.url, {"submission_key": key, qty(G3): "25"})
        assert step2.url == reverse("orders:new_customer_review")
        review = client.get(step2.url).content.decode()
        assert "County of Lincoln" in review and G3 in review and "$500.00" in review

        done = client.post(step2.url, {"submission_key": key})
        order = Order.objects.get()
        assert done.url == reverse("orders:detail", args=[order.customer.uuid, order.uuid])
        assert order.customer.special_qualifications.get().validation_code == code
        assert [(ln.offer.name, ln.quantity) for ln in order.lines.all()] == [(G3, 25)]

        again = client.post(step2.url, {"submission_key": key})  # back and re-post
        assert again.url == done.url and Order.objects.count() == 1

    def test_a_forged_commercial_offer_for_a_gcc_customer_is_refused(self, client_for, seller):
        code = approved_code(seller)
        client = client_for(seller)
        client.post(reverse("orders:new_customer"), account_form(code))
        url = reverse("orders:new_customer_subscriptions")
        key = client.get(url).context["form"]["submission_key"].value()
        response = client.post(url, {"submission_key": key, qty(E3): "5"})
        assert response.status_code == 400
        assert "GCC offers only" in response.content.decode()
        assert not Customer.objects.exists() and not Order.objects.exists()

    def test_an_empty_cart_is_refused(self, client_for, seller):
        client = client_for(seller)
        client.post(reverse("orders:new_customer"), account_form())
        url = reverse("orders:new_customer_subscriptions")
        key = client.get(url).context["form"]["submission_key"].value()
        response = client.post(url, {"submission_key": key})
        assert response.status_code == 400
        assert "Choose at least one offer" in response.content.decode()

    def test_steps_without_account_info_send_back_to_the_start(self, client_for, seller):
        response = client_for(seller).get(reverse("orders:new_customer_review"))
        assert response.url == reverse("orders:new_customer")

    def test_with_no_code_the_page_says_the_customer_is_not_validated(self, client_for, seller):
        page = client_for(seller).get(reverse("orders:new_customer")).content.decode()
        assert "the customer has not been validated yet" in page

    def test_back_from_subscriptions_keeps_the_account_info(self, client_for, seller):
        client = client_for(seller)
        client.post(reverse("orders:new_customer"), account_form())
        page = client.get(reverse("orders:new_customer"), {"resume": 1}).content.decode()
        assert 'value="County of Lincoln"' in page

    def test_cancel_is_a_post_a_link_fetch_cannot_discard_the_wizard(self, client_for, seller):
        client = client_for(seller)
        client.post(reverse("orders:new_customer"), account_form())
        resume = {"resume": 1}
        assert client.get(reverse("orders:new_customer_cancel")).status_code == 405
        page = client.get(reverse("orders:new_customer"), resume).content.decode()
        assert 'value="County of Lincoln"' in page
        assert 'form="cancel-wizard"' in page  # the Cancel button posts the cancel form
        response = client.post(reverse("orders:new_customer_cancel"))
        assert response.url == reverse("customers:list")
        page = client.get(reverse("orders:new_customer"), resume).content.decode()
        assert 'value="County of Lincoln"' not in page


class TestAddSubscriptions:
    def url(self, customer):
        return reverse("orders:create", args=[customer.uuid])

    def test_existing_gcc_customer_gets_a_gcc_order(self, client_for, seller, gcc_customer):
        client = client_for(seller)
        page = client.get(self.url(gcc_customer))
        key = page.context["form"]["submission_key"].value()
        response = client.post(self.url(gcc_customer), {"submission_key": key, qty(G3): "10"})
        order = Order.objects.get()
        assert response.url == reverse("orders:detail", args=[gcc_customer.uuid, order.uuid])
        assert (
            client.post(self.url(gcc_customer), {"submission_key": key, qty(G3): "10"}).url
            == response.url
        )
        assert Order.objects.count() == 1

    def test_gcc_offers_are_shown_disabled_with_the_reason_for_a_commercial_customer(
        self, client_for, seller, commercial_customer
    ):
        page = client_for(seller).get(self.url(commercial_customer)).content.decode()
        # What it can buy first; the GCC offers after, collapsed behind their one reason.
        unavailable = page.split('<details class="mt-2 unavailable-offers">', 1)
        assert "not available here: This customer is not validated for GCC" in unavailable[1]
        assert "Office 365 E3" in unavailable[0] and "Office 365 G3 GCC" not in unavailable[0]

    def test_a_forged_gcc_post_for_a_commercial_customer_is_refused(
        self, client_for, seller, commercial_customer
    ):
        client = client_for(seller)
        key = client.get(self.url(commercial_customer)).context["form"]["submission_key"].value()
        response = client.post(self.url(commercial_customer), {"submission_key": key, qty(G3): "3"})
        assert response.status_code == 400
        assert "not validated for GCC" in response.content.decode()
        assert not Order.objects.exists()

    @pytest.mark.parametrize("value", ["-3", "abc", "10001"])
    def test_bad_quantities(self, client_for, seller, gcc_customer, value):
        client = client_for(seller)
        key = client.get(self.url(gcc_customer)).context["form"]["submission_key"].value()
        response = client.post(self.url(gcc_customer), {"submission_key": key, qty(G3): value})
        assert response.status_code == 400
        assert not Order.objects.exists()

    def test_helpdesk_sees_customers_but_cannot_order(self, client_for, seller, gcc_customer):
        helpdesk = UserFactory(partner=seller.partner, role=Role.HELPDESK_AGENT)
        client = client_for(helpdesk)
        assert client.get(reverse("customers:detail", args=[gcc_customer.uuid])).status_code == 200
        assert client.get(self.url(gcc_customer)).status_code == 403
        assert client.post(self.url(gcc_customer), {qty(G3): "1"}).status_code == 403

    def test_another_partners_customer_is_a_404(self, client_for, seller, outsider):
        customer = managed_customer(outsider.partner, gcc=True)
        client = client_for(seller)
        for name in ["orders:create", "orders:list", "orders:subscriptions"]:
            assert client.get(reverse(name, args=[customer.uuid])).status_code == 404

    def test_another_partners_order_is_a_404(self, client_for, seller, gcc_customer, outsider):
        client = client_for(seller)
        key = client.get(self.url(gcc_customer)).context["form"]["submission_key"].value()
        client.post(self.url(gcc_customer), {"submission_key": key, qty(G3): "1"})
        order = Order.objects.get()
        url = reverse("orders:detail", args=[gcc_customer.uuid, order.uuid])
        assert client_for(outsider).get(url).status_code == 404


class TestOrderAndSubscriptionPages:
    def orders(self, seller, customer, count):
        offer = Offer.objects.get(name=G3)
        for _ in range(count):
            order = order_place(
                actor=seller,
                customer=customer,
                lines=[CartLine(offer.offer_id, 2)],
                submission_key=uuid.uuid4(),
            )
            order_provision(order_id=order.pk)
        return order

    @pytest.mark.parametrize("name", ["orders:list", "orders:subscriptions"])
    def test_bounded_queries_at_2_and_40_orders(
        self, client_for, seller, gcc_customer, django_assert_max_num_queries, name
    ):
        client = client_for(seller)
        url = reverse(name, args=[gcc_customer.uuid])
        self.orders(seller, gcc_customer, 2)
        with django_assert_max_num_queries(12) as small:
            client.get(url)
        self.orders(seller, gcc_customer, 38)
        with django_assert_max_num_queries(len(small.captured_queries)):
            response = client.get(url)
        assert len(response.context["page"].object_list) == 25

    def test_order_page_shows_state_lines_and_subscriptions(
        self, client_for, seller, gcc_customer, django_assert_max_num_queries
    ):
        order = self.orders(seller, gcc_customer, 1)
        client = client_for(seller)
        with django_assert_max_num_queries(14):
            page = client.get(reverse("orders:detail", args=[gcc_customer.uuid, order.uuid]))
        html = page.content.decode()
        assert str(OrderStatus.COMPLETED.label) in html and G3 in html and "Active, from" in html
