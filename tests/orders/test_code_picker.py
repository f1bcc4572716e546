"""Add customer's validation code picker: bounded, searchable, still accepting any usable code."""

import pytest
from django.urls import reverse

from customers.models import Customer
from partners.models import Role
from validation.selectors import CODE_CHOICES_SHOWN

from ..factories import UserFactory, codes_for, customer_account_form_data, gcc_partner

pytestmark = pytest.mark.django_db
CREATE = reverse("orders:new_customer")
OPTIONS = reverse("orders:validation_code_options")


@pytest.fixture
def seller():
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)


def options(html: str, select_id="id_validation_code") -> int:
    select = html.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return select.count("<option")


def test_the_page_lists_a_bounded_number_of_codes_and_offers_a_search(client_for, seller):
    codes_for(seller, CODE_CHOICES_SHOWN + 20)
    page = client_for(seller).get(CREATE).content.decode()
    assert options(page) == CODE_CHOICES_SHOWN + 1  # and the empty choice
    assert 'id="code-search"' in page


def test_a_code_beyond_the_list_is_accepted_and_kept_when_the_form_is_shown_again(
    client_for, seller
):
    codes = codes_for(seller, CODE_CHOICES_SHOWN + 20)
    far = codes[-1]
    client = client_for(seller)
    again = client.post(CREATE, customer_account_form_data(far, contact_phone="not a phone"))
    assert again.status_code == 400
    assert f'value="{far.pk}" selected' in again.content.decode()
    created = client.post(CREATE, customer_account_form_data(far))
    assert created.status_code == 302
    assert Customer.objects.filter(domain="lincolncounty.onmicrosoft.com").exists()
    far.refresh_from_db()
    assert far.remaining_creates == 4


def test_the_search_finds_by_validation_id_or_name_and_only_own_codes(client_for, seller):
    codes_for(seller, 80)
    outsider = UserFactory(partner=gcc_partner(name="Contoso Gov"), role=Role.SALES_AGENT)
    client = client_for(seller)
    by_id = client.get(OPTIONS, {"code_search": "700079"}).content.decode()
    assert by_id.count("<option") == 2 and "Agency 079" in by_id
    by_name = client.get(OPTIONS, {"code_search": "agency 07"}).content.decode()
    assert by_name.count("<option") == 11
    assert (
        "No validation code matches"
        in client_for(outsider).get(OPTIONS, {"code_search": "7000"}).content.decode()
    )


def test_the_search_is_for_those_who_may_add_customers(client_for, seller):
    helpdesk = UserFactory(partner=seller.partner, role=Role.HELPDESK_AGENT)
    assert client_for(helpdesk).get(OPTIONS).status_code == 403


@pytest.mark.parametrize("count", [10, 300])
def test_the_page_runs_the_same_queries_at_10_and_300_codes(
    client_for, seller, django_assert_max_num_queries, count
):
    codes_for(seller, count)
    client = client_for(seller)
    with django_assert_max_num_queries(14):
        assert client.get(CREATE).status_code == 200
