"""Day two on the customer side (issue 17): editing the billing profile with a version, ending
the reseller relationship, and the list's sorts, reseller filter and CSV export."""

import csv
import io
import uuid
from dataclasses import replace

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers import selectors
from customers.models import Customer, CustomerRelationship
from customers.services import (
    BillingProfile,
    billing_profile_version,
    customer_billing_profile_update,
)
from customers.views import csv_cell
from lib.refusals import RefusalCode
from orders import services as order_services
from orders.models import Offer, Subscription, SubscriptionStatus
from orders.services import CartLine
from partners.models import PartnerType, Role

from ..factories import (
    CustomerFactory,
    IndirectResellerFactory,
    PartnerFactory,
    UserFactory,
    bulk_book,
    gcc_partner,
    manage,
)
from ..orders.conftest import E3, offer_catalog  # noqa: F401 -- the catalog, for orders
from ..refusals import refused
from .listing import listed_names, page_link

pytestmark = pytest.mark.django_db
LIST = reverse("customers:list")
EXPORT = reverse("customers:export")


@pytest.fixture
def partner_a():
    return gcc_partner(name="Tailspin Federal")


def agent(partner, role):
    return UserFactory(partner=partner, role=role)


@pytest.fixture
def customer(partner_a):
    customer = CustomerFactory(company_name="County of Lincoln", domain="lincoln.onmicrosoft.com")
    manage(partner_a, customer)
    return customer


def edit_url(customer):
    return reverse("customers:edit", args=[customer.uuid])


def form_data(customer, **changes):
    data = {f: getattr(customer, f) for f in BillingProfile.__dataclass_fields__}
    data["version"] = billing_profile_version(customer)
    data.update(changes)
    return data


# --- Editing the billing profile -----------------------------------------------------------


class TestEditService:
    def test_the_version_read_saves(self, partner_a, customer):
        admin = agent(partner_a, Role.ADMIN_AGENT)
        version = billing_profile_version(customer)
        profile = BillingProfile.of(customer)
        updated = customer_billing_profile_update(
            actor=admin,
            customer=customer,
            profile=replace(profile, city="Omaha"),
            expected_version=version,
        )
        assert updated.city == "Omaha"
        assert billing_profile_version(updated) != version

    def test_a_stale_version_is_refused_and_nothing_is_saved(self, partner_a, customer):
        admin = agent(partner_a, Role.ADMIN_AGENT)
        stale = billing_profile_version(customer)
        customer_billing_profile_update(
            actor=admin,
            customer=customer,
            profile=replace(BillingProfile.of(customer), contact_name="First Editor"),
            expected_version=stale,
        )
        with refused(RefusalCode.CUSTOMER_CHANGED) as caught:
            customer_billing_profile_update(
                actor=admin,
                customer=customer,
                profile=replace(BillingProfile.of(customer), city="Second Editor City"),
                expected_version=stale,
            )
        assert caught.value.status == 409
        assert caught.value.about.contact_name == "First Editor"  # what it is now
        customer.refresh_from_db()
        assert customer.city != "Second Editor City"

    def test_the_version_is_the_api_etag(self, customer):
        from api.serializers import billing_etag

        assert billing_profile_version(customer) == billing_etag(customer)

    def test_another_partner_s_agent_is_refused(self, customer):
        outsider = agent(PartnerFactory(), Role.ADMIN_AGENT)
        with refused(RefusalCode.NOT_YOUR_CUSTOMER):
            customer_billing_profile_update(
                actor=outsider, customer=customer, profile=BillingProfile.of(customer)
            )


class TestEditPage:
    @pytest.mark.parametrize("role", [Role.ADMIN_AGENT, Role.HELPDESK_AGENT, Role.GLOBAL_ADMIN])
    def test_roles_that_may_edit_save(self, client_for, partner_a, customer, role):
        client = client_for(agent(partner_a, role))
        page = client.get(edit_url(customer))
        assert page.status_code == 200
        body = page.content.decode()
        assert "lincoln.onmicrosoft.com" in body and str(customer.tenant_id) in body
        assert 'name="domain' not in body and 'name="tenant_id' not in body  # shown, not edited
        response = client.post(edit_url(customer), form_data(customer, company_name="Lincoln Co"))
        assert response.status_code == 302
        assert response["Location"] == reverse("customers:detail", args=[customer.uuid])
        customer.refresh_from_db()
        assert customer.company_name == "Lincoln Co"
        row = CustomerRelationship.objects.get(customer=customer)
        assert row.company_name == "Lincoln Co"  # the list's copy follows

    def test_a_sales_agent_may_not(self, client_for, partner_a, customer):
        client = client_for(agent(partner_a, Role.SALES_AGENT))
        assert client.get(edit_url(customer)).status_code == 403
        response = client.post(edit_url(customer), form_data(customer, company_name="Sold"))
        assert response.status_code == 403
        customer.refresh_from_db()
        assert customer.company_name == "County of Lincoln"

    def test_the_detail_page_links_to_edit_for_roles_that_may(
        self, client_for, partner_a, customer
    ):
        detail = reverse("customers:detail", args=[customer.uuid])
        admin_page = client_for(agent(partner_a, Role.HELPDESK_AGENT)).get(detail)
        assert edit_url(customer) in admin_page.content.decode()
        sales_page = client_for(agent(partner_a, Role.SALES_AGENT)).get(detail)
        assert edit_url(customer) not in sales_page.content.decode()

    def test_a_stale_page_is_refused_with_what_it_is_now(self, client_for, partner_a, customer):
        client = client_for(agent(partner_a, Role.ADMIN_AGENT))
        opened = form_data(customer)  # two people open the page
        first = client.post(edit_url(customer), {**opened, "contact_name": "Dana First"})
        assert first.status_code == 302
        second = client.post(edit_url(customer), {**opened, "city": "Kearney"})
        assert second.status_code == 409
        body = second.content.decode()
        assert "Someone changed this customer since you opened the page" in body
        assert 'role="alert"' in body
        assert 'value="Dana First"' in body  # the form shows what it is now
        # And what was sent, where it differs from now: the city typed, the contact as read.
        assert second.context["attempted"] == [
            ("City", "Kearney"),
            ("Primary contact", customer.contact_name),
        ]
        customer.refresh_from_db()
        assert customer.city != "Kearney" and customer.contact_name == "Dana First"
        # The form carries the new version: making the change again now saves it.
        again = {**second.context["form"].initial, "city": "Kearney"}
        assert again["version"] == billing_profile_version(customer)
        assert client.post(edit_url(customer), again).status_code == 302
        customer.refresh_from_db()
        assert customer.city == "Kearney" and customer.contact_name == "Dana First"

    def test_bad_input_is_a_400_with_nothing_saved(self, client_for, partner_a, customer):
        client = client_for(agent(partner_a, Role.ADMIN_AGENT))
        for bad in (
            {"contact_email": "not an email"},
            {"state": "ZZ"},
            {"company_name": ""},
            {"contact_phone": "call me"},
            {"company_name": "x" * 201},
            {"version": ""},
        ):
            response = client.post(edit_url(customer), form_data(customer, **bad))
            assert response.status_code == 400, bad
            assert 'role="alert"' in response.content.decode()
        customer.refresh_from_db()
        assert customer.company_name == "County of Lincoln"

    def test_another_partner_s_customer_is_a_404(self, client_for, customer):
        client = client_for(agent(gcc_partner(name="Bravo"), Role.GLOBAL_ADMIN))
        assert client.get(edit_url(customer)).status_code == 404
        post = client.post(edit_url(customer), form_data(customer, company_name="Stolen"))
        assert post.status_code == 404
        customer.refresh_from_db()
        assert customer.company_name == "County of Lincoln"


# --- Ending the relationship (partner side) ------------------------------------------------


def remove_url(customer):
    return reverse("orders:relationship_remove", args=[customer.uuid])


def active_subscription(actor, customer) -> Subscription:
    order = order_services.order_place(
        actor=actor,
        customer=customer,
        lines=[CartLine(Offer.objects.get(name=E3).offer_id, 5)],
        submission_key=uuid.uuid4(),
    )
    order_services.order_provision(order_id=order.pk)
    return Subscription.objects.get(order_line__order=order)


class TestRemoveRelationship:
    def test_refused_while_a_subscription_is_active_then_allowed(
        self, client_for, partner_a, customer
    ):
        admin = agent(partner_a, Role.ADMIN_AGENT)
        subscription = active_subscription(admin, customer)
        client = client_for(admin)
        assert client.get(remove_url(customer)).status_code == 200
        refused_page = client.post(remove_url(customer))
        assert refused_page.status_code == 409
        body = refused_page.content.decode()
        assert "1 active subscription with your organization" in body
        assert 'role="alert"' in body
        assert CustomerRelationship.objects.filter(customer=customer).exists()

        Subscription.objects.filter(pk=subscription.pk).update(status=SubscriptionStatus.SUSPENDED)
        done = client.post(remove_url(customer))
        assert done.status_code == 302 and done["Location"] == LIST
        assert not CustomerRelationship.objects.filter(customer=customer).exists()
        # Its history stays; it is off the list and its pages are a 404 for the partner.
        assert Subscription.objects.filter(pk=subscription.pk).exists()
        assert Customer.objects.filter(pk=customer.pk).exists()
        listed = client.get(LIST)
        assert "County of Lincoln" not in listed_names(listed)
        assert "no longer manage County of Lincoln" in listed.content.decode()
        assert client.get(reverse("customers:detail", args=[customer.uuid])).status_code == 404

    @pytest.mark.parametrize("role", [Role.SALES_AGENT, Role.HELPDESK_AGENT])
    def test_roles_that_may_not(self, client_for, partner_a, customer, role):
        client = client_for(agent(partner_a, role))
        assert client.get(remove_url(customer)).status_code == 403
        assert client.post(remove_url(customer)).status_code == 403
        assert CustomerRelationship.objects.filter(customer=customer).exists()

    def test_another_partner_s_customer_is_a_404(self, client_for, customer):
        client = client_for(agent(gcc_partner(name="Bravo"), Role.GLOBAL_ADMIN))
        assert client.get(remove_url(customer)).status_code == 404
        assert client.post(remove_url(customer)).status_code == 404
        assert CustomerRelationship.objects.filter(customer=customer).exists()

    def test_a_shared_customer_stays_with_the_other_partner(self, client_for, partner_a, customer):
        other = gcc_partner(name="Bravo")
        manage(other, customer)
        client_for(agent(partner_a, Role.GLOBAL_ADMIN)).post(remove_url(customer))
        assert list(
            CustomerRelationship.objects.filter(customer=customer).values_list("partner", flat=True)
        ) == [other.pk]


# --- The list: sorts, the reseller column and filter, the export ----------------------------


def small_book(partner):
    names = [("Delta", "a"), ("Alpha", "d"), ("Charlie", "b"), ("Bravo", "c")]
    return bulk_book(
        partner,
        [
            CustomerFactory.build(company_name=name, domain=f"{prefix}{name.lower()}.example.com")
            for name, prefix in names
        ],
    )


class TestSort:
    def test_by_name_domain_and_added_either_way(self, client_for, partner_a):
        small_book(partner_a)
        client = client_for(agent(partner_a, Role.SALES_AGENT))
        assert listed_names(client.get(LIST)) == ["Alpha", "Bravo", "Charlie", "Delta"]
        assert listed_names(client.get(LIST, {"sort": "-name"})) == [
            "Delta",
            "Charlie",
            "Bravo",
            "Alpha",
        ]
        # adelta, bcharlie, cbravo, dalpha
        assert listed_names(client.get(LIST, {"sort": "domain"})) == [
            "Delta",
            "Charlie",
            "Bravo",
            "Alpha",
        ]
        assert listed_names(client.get(LIST, {"sort": "-domain"})) == [
            "Alpha",
            "Bravo",
            "Charlie",
            "Delta",
        ]
        added = listed_names(client.get(LIST, {"sort": "added"}))
        assert added == [
            r.company_name
            for r in CustomerRelationship.objects.filter(partner=partner_a).order_by(
                "created_at", "id"
            )
        ]
        assert listed_names(client.get(LIST, {"sort": "-added"})) == added[::-1]
        # An unknown sort is the default one.
        assert listed_names(client.get(LIST, {"sort": "tenant_id"}))[0] == "Alpha"

    def test_the_sorted_head_says_so(self, client_for, partner_a):
        small_book(partner_a)
        body = client_for(agent(partner_a, Role.SALES_AGENT)).get(LIST, {"sort": "-domain"})
        body = body.content.decode()
        assert 'aria-sort="descending"' in body
        assert 'href="?sort=domain"' in body  # turns it around
        assert 'href="?sort=name"' in body

    @pytest.mark.parametrize("sort", ["name", "-name", "domain", "-domain", "added", "-added"])
    def test_next_and_previous_walk_a_descending_or_other_sort(self, client_for, partner_a, sort):
        bulk_book(
            partner_a,
            [
                CustomerFactory.build(
                    company_name=f"Agency {n:03d}", domain=f"d{(n * 37) % 60:03d}.example.com"
                )
                for n in range(60)
            ],
        )
        client = client_for(agent(partner_a, Role.SALES_AGENT))
        pages = [client.get(LIST, {"sort": sort})]
        while (query := page_link(pages[-1], "next")) is not None:
            pages.append(client.get(f"{LIST}?{query}"))
        walked = [name for page in pages for name in listed_names(page)]
        column, descending = selectors.sort_of(sort)
        field = selectors.SORTS[column]
        expected = [
            r.company_name
            for r in CustomerRelationship.objects.filter(partner=partner_a).order_by(
                f"{'-' if descending else ''}{field}", f"{'-' if descending else ''}id"
            )
        ]
        assert walked == expected and len(pages) == 3
        back = client.get(f"{LIST}?{page_link(pages[-1], 'prev')}")
        assert listed_names(back) == listed_names(pages[1])
        last = client.get(LIST, {"sort": sort, "page": "last"})
        assert listed_names(last) == expected[-25:]  # the last 25, as the list always has

    @pytest.mark.parametrize("size", [10, 1000])
    @pytest.mark.parametrize("sort", ["-name", "domain", "-added"])
    def test_every_sort_runs_the_same_queries_at_10_and_1000(
        self, client_for, partner_a, django_assert_num_queries, size, sort
    ):
        bulk_book(
            partner_a,
            [CustomerFactory.build(company_name=f"Agency {n:04d}") for n in range(size)],
        )
        client = client_for(agent(partner_a, Role.SALES_AGENT))
        with django_assert_num_queries(6):  # session, user, GCC, page rows, customers, count
            first = client.get(LIST, {"sort": sort})
        with django_assert_num_queries(6):
            client.get(f"{LIST}?{page_link(first, 'next')}")


@pytest.fixture
def provider():
    return PartnerFactory(name="Northwind Distribution", partner_type=PartnerType.INDIRECT_PROVIDER)


class TestIndirectResellers:
    def test_the_column_and_the_filter(self, client_for, provider):
        fabrikam = IndirectResellerFactory(name="Fabrikam Gov", indirect_provider=provider)
        adatum = IndirectResellerFactory(name="Adatum Public", indirect_provider=provider)
        for name, reseller in (("Ames", fabrikam), ("Boone", adatum), ("Cass", None)):
            manage(provider, CustomerFactory(company_name=name), indirect_reseller=reseller)
        client = client_for(agent(provider, Role.SALES_AGENT))
        page = client.get(LIST)
        body = page.content.decode()
        assert "Indirect reseller" in body and "Fabrikam Gov" in body and "Adatum Public" in body
        assert listed_names(client.get(LIST, {"reseller": str(fabrikam.tenant_id)})) == ["Ames"]
        assert listed_names(client.get(LIST, {"reseller": str(adatum.tenant_id)})) == ["Boone"]
        assert listed_names(client.get(LIST, {"reseller": selectors.DIRECT})) == ["Cass"]
        assert listed_names(client.get(LIST, {"reseller": "nonsense"})) == []
        assert listed_names(client.get(LIST, {"reseller": str(uuid.uuid4())})) == []

    @pytest.mark.parametrize("size", [10, 1000])
    def test_the_filter_runs_the_same_queries_at_10_and_1000(
        self, client_for, provider, django_assert_num_queries, size
    ):
        fabrikam = IndirectResellerFactory(indirect_provider=provider)
        rows = bulk_book(provider, [CustomerFactory.build() for _ in range(size)])
        CustomerRelationship.objects.filter(customer__in=rows[::2]).update(
            indirect_reseller=fabrikam
        )
        client = client_for(agent(provider, Role.SALES_AGENT))
        for params in ({}, {"reseller": str(fabrikam.tenant_id)}, {"reseller": "direct"}):
            # session, user, GCC, the resellers to choose from, page rows, customers, count
            with django_assert_num_queries(7):
                assert client.get(LIST, params).status_code == 200

    def test_another_provider_s_reseller_filters_nothing_of_theirs(self, client_for, provider):
        other = PartnerFactory(partner_type=PartnerType.INDIRECT_PROVIDER)
        theirs = IndirectResellerFactory(indirect_provider=other)
        manage(other, CustomerFactory(company_name="Theirs"), indirect_reseller=theirs)
        client = client_for(agent(provider, Role.SALES_AGENT))
        assert listed_names(client.get(LIST, {"reseller": str(theirs.tenant_id)})) == []

    def test_a_direct_partner_has_no_reseller_column(self, client_for, partner_a, customer):
        body = client_for(agent(partner_a, Role.SALES_AGENT)).get(LIST).content.decode()
        assert "Indirect reseller" not in body and 'name="reseller"' not in body


def read_export(response) -> tuple[bytes, list[list[str]]]:
    assert isinstance(response, StreamingHttpResponse)
    raw = b"".join(response.streaming_content)
    return raw, list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


class TestExport:
    def test_the_filtered_sorted_list_streamed_with_a_bom(self, client_for, partner_a):
        small_book(partner_a)
        response = client_for(agent(partner_a, Role.HELPDESK_AGENT)).get(
            EXPORT, {"sort": "-name", "q": "a"}
        )
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"].startswith('attachment; filename="customers-')
        raw, rows = read_export(response)
        assert raw.startswith(b"\xef\xbb\xbf")
        assert rows[0][:5] == [
            "Company",
            "Domain",
            "Microsoft ID",
            "Special qualifications",
            "Validation",
        ]
        assert [r[0] for r in rows[1:]] == ["Delta", "Charlie", "Bravo", "Alpha"]
        alpha = Customer.objects.get(company_name="Alpha")
        assert rows[-1][1:3] == [alpha.domain, str(alpha.tenant_id)]

    def test_formula_cells_are_escaped(self, client_for, partner_a):
        evil = [
            '=HYPERLINK("http://x","y")',
            "+1+2",
            "-2+3",
            "@SUM(A1)",
            "\tTabbed",
            "\rReturn",
            "Ünïcode Gov",
        ]
        bulk_book(
            partner_a,
            [
                CustomerFactory.build(company_name=name, domain=f"evil{n}.onmicrosoft.com")
                for n, name in enumerate(evil)
            ],
        )
        response = client_for(agent(partner_a, Role.SALES_AGENT)).get(EXPORT)
        _, rows = read_export(response)
        names = {r[0] for r in rows[1:]}
        assert names == {
            '\'=HYPERLINK("http://x","y")',
            "'+1+2",
            "'-2+3",
            "'@SUM(A1)",
            "'\tTabbed",
            "'\rReturn",
            "Ünïcode Gov",
        }

    def test_csv_cell(self):
        assert csv_cell("=1") == "'=1"
        assert csv_cell("a=1") == "a=1"
        assert csv_cell(None) == ""
        assert csv_cell(uuid.UUID(int=0)) == "00000000-0000-0000-0000-000000000000"

    def test_read_in_batches_at_the_same_cost_per_batch(self, client_for, partner_a, monkeypatch):
        monkeypatch.setattr(selectors, "EXPORT_BATCH", 10)
        bulk_book(partner_a, [CustomerFactory.build() for _ in range(35)])
        response = client_for(agent(partner_a, Role.SALES_AGENT)).get(EXPORT)
        with CaptureQueriesContext(connection) as queries:
            _, rows = read_export(response)
        assert len(rows) == 36
        # 4 batches (10, 10, 10, 5) of two queries each: the page's rows, then its customers.
        assert len(queries) == 8
        expected = sorted(r[0] for r in rows[1:])
        assert [r[0] for r in rows[1:]] == expected
        _, backwards = read_export(
            client_for(agent(partner_a, Role.SALES_AGENT)).get(EXPORT, {"sort": "-name"})
        )
        assert [r[0] for r in backwards[1:]] == expected[::-1]

    def test_a_provider_s_export_has_the_reseller(self, client_for, provider):
        fabrikam = IndirectResellerFactory(name="Fabrikam Gov", indirect_provider=provider)
        manage(provider, CustomerFactory(company_name="Ames"), indirect_reseller=fabrikam)
        manage(provider, CustomerFactory(company_name="Cass"))
        client = client_for(agent(provider, Role.SALES_AGENT))
        _, rows = read_export(client.get(EXPORT))
        assert rows[0][5] == "Indirect reseller"
        assert [(r[0], r[5]) for r in rows[1:]] == [("Ames", "Fabrikam Gov"), ("Cass", "")]
        _, rows = read_export(client.get(EXPORT, {"reseller": str(fabrikam.tenant_id)}))
        assert [r[0] for r in rows[1:]] == ["Ames"]

    def test_another_partner_s_export_has_none_of_a_s_customers(self, client_for, customer):
        other = gcc_partner(name="Bravo")
        manage(other, CustomerFactory(company_name="Bravo's Own"))
        _, rows = read_export(client_for(agent(other, Role.GLOBAL_ADMIN)).get(EXPORT))
        assert [r[0] for r in rows[1:]] == ["Bravo's Own"]

    def test_the_list_links_to_the_export_of_its_filters(self, client_for, partner_a, customer):
        body = client_for(agent(partner_a, Role.SALES_AGENT)).get(
            LIST, {"q": "lincoln", "sort": "-name", "page": "next"}
        )
        assert f'href="{EXPORT}?q=lincoln&amp;sort=-name"' in body.content.decode()
