"""Customers: the list, adding a customer (with GCC and a validation code), the Account page."""

import threading
import uuid

import pytest
from django.db import connection
from django.urls import reverse

from customers import services
from customers.models import Customer, CustomerRelationship
from lib.refusals import RefusalCode
from partners.models import PartnerType, Role
from partners.services import gcc_qualification_grant
from validation import services as validation_services
from validation.codes import customer_gcc_qualification_grant
from validation.models import SpecialQualification, ValidationCode

from ..factories import (
    CustomerFactory,
    IndirectResellerFactory,
    PartnerFactory,
    UserFactory,
    bulk_book,
    customer_account_form_data,
    customer_details,
    customer_request_data,
    gcc_partner,
    manage,
)
from ..refusals import refused
from .listing import listed_names

pytestmark = pytest.mark.django_db
LIST = reverse("customers:list")
CREATE = reverse("orders:new_customer")
GCC = "GovernmentCommunityCloud"


@pytest.fixture
def seller():
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)


def issue_code(actor, *, remaining=None, name="County of Lincoln") -> ValidationCode:
    request = validation_services.customer_validation_submit(
        actor=actor,
        submission_key=uuid.uuid4(),
        intake=customer_request_data(
            actor.partner, organization_name=name, domain=f"{uuid.uuid4().hex[:8]}.gov"
        ),
    )
    validation_services.validation_request_approve(request_id=request.pk)
    code = ValidationCode.objects.get(request=request)
    if remaining is not None:
        ValidationCode.objects.filter(pk=code.pk).update(remaining_creates=remaining)
        code.refresh_from_db()
    return code


def managed(partner, **kwargs) -> Customer:
    customer = CustomerFactory(**kwargs)
    manage(partner, customer)
    return customer


def account_form(**overrides) -> dict:
    return customer_account_form_data(**overrides)


class TestCustomerList:
    def test_lists_only_the_partners_customers(self, client_for, seller, outsider):
        managed(seller.partner, company_name="Lincoln County")
        managed(outsider.partner, company_name="Somebody Elses")
        page = client_for(seller).get(LIST).content.decode()
        assert "Lincoln County" in page and "Somebody Elses" not in page

    @pytest.mark.parametrize(
        "query,expected",
        [
            ({"q": "linc"}, {"Lincoln County"}),
            ({"q": "harbor.onmicrosoft"}, {"Harbor Analytics"}),
            ({"qualification": GCC}, {"Lincoln County"}),
            ({"qualification": "none"}, {"Harbor Analytics", "Riverside Transit"}),
            ({"status": "validated"}, {"Lincoln County"}),
            ({"status": "pending"}, {"Riverside Transit"}),
            ({"status": "none"}, {"Harbor Analytics"}),
        ],
    )
    def test_search_and_filters(self, client_for, seller, query, expected):
        code = issue_code(seller)
        lincoln = managed(seller.partner, company_name="Lincoln County")
        customer_gcc_qualification_grant(customer=lincoln, code=code)
        managed(seller.partner, company_name="Harbor Analytics", domain="harbor.onmicrosoft.com")
        riverside = managed(seller.partner, company_name="Riverside Transit")
        validation_services.customer_validation_submit(
            actor=seller,
            submission_key=uuid.uuid4(),
            intake=customer_request_data(seller.partner, domain="riverside.gov"),
            customer=riverside,
        )
        response = client_for(seller).get(LIST, query)
        assert set(listed_names(response)) == expected

    def test_search_by_microsoft_id(self, client_for, seller):
        target = managed(seller.partner, company_name="Target Org")
        managed(seller.partner, company_name="Other Org")
        response = client_for(seller).get(LIST, {"q": str(target.tenant_id)})
        assert listed_names(response) == ["Target Org"]

    @pytest.mark.parametrize("size", [10, 1000])
    def test_same_query_bound_at_10_and_1000_customers(
        self, client_for, seller, django_assert_max_num_queries, size
    ):
        bulk_book(
            seller.partner,
            [
                CustomerFactory.build(
                    company_name=f"Customer {i:04d}", domain=f"c{i}.onmicrosoft.com"
                )
                for i in range(size)
            ],
        )
        client = client_for(seller)
        with django_assert_max_num_queries(9):
            response = client.get(LIST, {"page": "last"})
        assert response.status_code == 200
        assert len(listed_names(response)) == min(size, 25)

    def test_gcc_is_hidden_from_a_partner_without_the_qualification(self, client_for, admin_agent):
        customer = CustomerFactory(company_name="Springfield")
        SpecialQualification.objects.create(
            customer=customer, qualification=GCC, granted_at="2026-01-01T00:00Z"
        )
        manage(admin_agent.partner, customer)
        page = client_for(admin_agent).get(LIST).content.decode()
        assert "hidden: your organization is not GCC-qualified" in page


class TestAddCustomer:
    def test_gcc_with_a_code_creates_the_customer_and_uses_one_create(self, client_for, seller):
        code = issue_code(seller)
        response = client_for(seller).post(
            CREATE, account_form(special_qualification=GCC, validation_code=code.pk)
        )
        customer = Customer.objects.get(domain="lincolncounty.onmicrosoft.com")
        assert response.status_code == 302
        assert response.url == reverse("customers:detail", args=[customer.uuid])
        assert customer.special_qualifications.get().validation_code == code
        code.refresh_from_db()
        assert code.remaining_creates == code.max_creates - 1

    def test_account_page_then_shows_government_community_cloud(self, client_for, seller):
        code = issue_code(seller)
        client = client_for(seller)
        client.post(CREATE, account_form(special_qualification=GCC, validation_code=code.pk))
        customer = Customer.objects.get()
        page = client.get(reverse("customers:detail", args=[customer.uuid])).content.decode()
        assert "Government Community Cloud" in page
        assert str(customer.tenant_id) in page

    def test_a_commercial_customer_needs_no_code(self, client_for, seller):
        assert client_for(seller).post(CREATE, account_form()).status_code == 302
        assert not SpecialQualification.objects.exists()

    def test_gcc_without_a_code_is_refused(self, client_for, seller):
        response = client_for(seller).post(CREATE, account_form(special_qualification=GCC))
        assert response.status_code == 400
        assert "not been validated yet" in response.context["form"].errors["validation_code"][0]
        assert not Customer.objects.exists()

    def test_a_used_up_code_is_not_offered_and_a_forged_post_is_refused(self, client_for, seller):
        code = issue_code(seller, remaining=0)
        client = client_for(seller)
        page = client.get(CREATE).content.decode()
        assert code.validation_id not in page
        assert "No validation available" in page
        response = client.post(
            CREATE, account_form(special_qualification=GCC, validation_code=code.pk)
        )
        assert response.status_code == 400
        assert not Customer.objects.exists()

    def test_another_partners_code_is_refused(self, client_for, seller):
        other_seller = UserFactory(partner=gcc_partner(), role=Role.SALES_AGENT)
        code = issue_code(other_seller)
        response = client_for(seller).post(
            CREATE, account_form(special_qualification=GCC, validation_code=code.pk)
        )
        assert response.status_code == 400
        assert not Customer.objects.exists()
        code.refresh_from_db()
        assert code.remaining_creates == code.max_creates

    def test_a_partner_without_gcc_sees_the_option_disabled_and_why(self, client_for, admin_agent):
        page = client_for(admin_agent).get(CREATE).content.decode()
        assert 'id="gcc-disabled-reason"' in page
        assert reverse("profile") in page
        assert "disabled" in page.split('name="special_qualification"')[1][:200]

    def test_a_partner_without_gcc_cannot_forge_a_gcc_create(self, admin_agent):
        with refused(RefusalCode.PARTNER_NOT_GCC):
            services.customer_create(
                actor=admin_agent,
                details=customer_details(),
                qualification=GCC,
                validation_code_id=1,
            )

    def test_the_help_dialog_offers_a_new_request(self, client_for, seller):
        page = client_for(seller).get(CREATE).content.decode()
        assert "What is this?" in page
        assert 'id="validation-code-help"' in page
        assert "Submit a new request" in page and 'name="validate_first"' in page

    def test_the_detour_keeps_what_was_typed_and_gives_it_back(self, client_for, seller):
        client = client_for(seller)
        typed = {"company_name": "County of Lincoln", "city": "Lincoln", "validate_first": "1"}
        detour = client.post(CREATE, typed)
        assert detour.url == reverse("customers:validation_new") + "?from=add-customer"
        form = client.get(detour.url).content.decode()
        assert 'value="County of Lincoln"' in form  # the organization, typed once
        back = client.get(CREATE).content.decode()
        assert 'value="County of Lincoln"' in back and 'value="Lincoln"' in back
        assert "What you typed before" in back

    def test_helpdesk_cannot_add_customers(self, client_for, seller):
        helpdesk = UserFactory(partner=seller.partner, role=Role.HELPDESK_AGENT)
        client = client_for(helpdesk)
        assert client.get(CREATE).status_code == 403
        assert client.post(CREATE, account_form()).status_code == 403
        assert not Customer.objects.exists()

    def test_a_taken_domain_is_refused_next_to_the_field(self, client_for, seller):
        CustomerFactory(domain="lincolncounty.onmicrosoft.com")
        response = client_for(seller).post(CREATE, account_form())
        assert response.status_code == 400
        assert "already taken" in response.context["form"].errors["domain_prefix"][0]

    @pytest.mark.parametrize(
        "field,value",
        [
            ("domain_prefix", "-bad-"),
            ("postal_code", "1"),
            ("agreement_accepted", ""),
            ("state", "XX"),
        ],
    )
    def test_bad_input_is_refused(self, client_for, seller, field, value):
        response = client_for(seller).post(CREATE, account_form(**{field: value}))
        assert response.status_code == 400
        assert field in response.context["form"].errors
        assert not Customer.objects.exists()

    def test_indirect_provider_picks_only_its_own_reseller(self, client_for):
        provider = gcc_partner(partner_type=PartnerType.INDIRECT_PROVIDER)
        own = PartnerFactory(partner_type=PartnerType.INDIRECT_RESELLER, indirect_provider=provider)
        foreign = PartnerFactory(
            partner_type=PartnerType.INDIRECT_RESELLER,
            indirect_provider=PartnerFactory(partner_type=PartnerType.INDIRECT_PROVIDER),
        )
        client = client_for(UserFactory(partner=provider, role=Role.ADMIN_AGENT))
        assert client.post(CREATE, account_form(indirect_reseller=foreign.pk)).status_code == 400
        assert client.post(CREATE, account_form(indirect_reseller=own.pk)).status_code == 302
        assert CustomerRelationship.objects.get().indirect_reseller == own


class TestAccountPage:
    def test_another_partners_customer_is_a_404(self, client_for, seller, outsider):
        customer = managed(outsider.partner)
        url = reverse("customers:detail", args=[customer.uuid])
        assert client_for(seller).get(url).status_code == 404

    def test_pending_validation_shows_state_timeline_and_due_date(self, client_for, seller):
        customer = managed(seller.partner)
        validation_services.customer_validation_submit(
            actor=seller,
            submission_key=uuid.uuid4(),
            intake=customer_request_data(seller.partner),
            customer=customer,
        )
        page = (
            client_for(seller)
            .get(reverse("customers:detail", args=[customer.uuid]))
            .content.decode()
        )
        assert "Submitted" in page and "Decision expected by" in page
        assert "Request submitted." in page

    def test_rejected_validation_shows_the_reason(self, client_for, seller):
        customer = managed(seller.partner)
        request = validation_services.customer_validation_submit(
            actor=seller,
            submission_key=uuid.uuid4(),
            intake=customer_request_data(seller.partner),
            customer=customer,
        )
        validation_services.validation_request_reject(
            request_id=request.pk, reason="Not a government entity."
        )
        page = (
            client_for(seller)
            .get(reverse("customers:detail", args=[customer.uuid]))
            .content.decode()
        )
        assert "Not a government entity." in page
        assert "Request GCC validation" in page  # it may try again

    def test_bounded_queries(self, client_for, seller, django_assert_max_num_queries):
        customer = managed(seller.partner)
        client = client_for(seller)
        with django_assert_max_num_queries(14):
            assert client.get(reverse("customers:detail", args=[customer.uuid])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_agents_racing_for_the_last_create_get_one_customer():
    seller = UserFactory(partner=gcc_partner(), role=Role.SALES_AGENT)
    colleague = UserFactory(partner=seller.partner, role=Role.ADMIN_AGENT)
    code = issue_code(seller, remaining=1)
    barrier = threading.Barrier(2)
    outcomes = []

    def create(actor, prefix):
        try:
            barrier.wait()
            services.customer_create(
                actor=actor,
                details=customer_details(prefix, company_name=f"Org {prefix}"),
                qualification=GCC,
                validation_code_id=code.pk,
            )
            outcomes.append("created")
        except Exception as exc:  # the loser's refusal is what we check
            outcomes.append(str(exc))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=create, args=(seller, "first")),
        threading.Thread(target=create, args=(colleague, "second")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert outcomes.count("created") == 1, outcomes
    assert any("no creates left" in o for o in outcomes), outcomes
    assert Customer.objects.count() == 1
    code.refresh_from_db()
    assert code.remaining_creates == 0


def test_an_indirect_resellers_form_starts_with_its_providers_tenant_id(client_for):
    """The form accepts only the transacting partner's tenant: the reseller's provider's."""
    reseller = IndirectResellerFactory()
    provider = reseller.indirect_provider
    gcc_qualification_grant(partner=provider)  # the reseller works through its provider
    agent = UserFactory(partner=reseller, role=Role.ADMIN_AGENT)
    page = client_for(agent).get(reverse("customers:validation_new")).content.decode()
    assert f'value="{provider.tenant_id}"' in page
    assert f'value="{reseller.tenant_id}"' not in page


def test_an_indirect_reseller_sees_its_providers_microsoft_id_on_its_profile(client_for):
    reseller = IndirectResellerFactory()
    agent = UserFactory(partner=reseller, role=Role.SALES_AGENT)
    page = client_for(agent).get(reverse("profile")).content.decode()
    assert str(reseller.indirect_provider.tenant_id) in page
