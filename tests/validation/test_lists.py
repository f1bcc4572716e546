"""The Validation requests and Validation codes pages of the partner workspace."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from partners.models import Role
from validation.models import (
    RequestKind,
    RequestState,
    SpecialQualification,
    SpecialQualificationKind,
    ValidationCode,
    ValidationRequest,
)

from ..factories import (
    CustomerFactory,
    PartnerRequestFactory,
    UserFactory,
    customer_request_data,
    gcc_partner,
    manage,
)

pytestmark = pytest.mark.django_db

REQUESTS = reverse("validation:requests")
CODES = reverse("validation:codes")


@pytest.fixture
def seller():
    return UserFactory(partner=gcc_partner(name="Tailspin Federal"), role=Role.SALES_AGENT)


def customer_requests(actor, count, *, status=RequestState.SUBMITTED, customer=None, name="Town"):
    now = timezone.now()
    return ValidationRequest.objects.bulk_create(
        [
            ValidationRequest(
                **customer_request_data(
                    actor.partner,
                    organization_name=f"{name} {n:03d}",
                    domain=f"{name.lower().replace(' ', '')}{n}.gov",
                ).fields(),
                kind=RequestKind.CUSTOMER,
                partner=actor.partner,
                submitted_by=actor,
                submission_key=uuid.uuid4(),
                customer=customer,
                submitted_at=now,
                due_at=now,
                status=status,
                decision_reason="No." if status == RequestState.REJECTED else "",
            )
            for n in range(count)
        ]
    )


_next_id = iter(range(800000, 900000))


def codes(actor, count, *, name="Agency"):
    """``count`` codes of approved customer requests, with distinct validation IDs."""
    requests = customer_requests(actor, count, status=RequestState.APPROVED, name=name)
    return ValidationCode.objects.bulk_create(
        ValidationCode(
            validation_id=str(next(_next_id)),
            request=request,
            partner=actor.partner,
            organization_name=request.organization_name,
            max_creates=5,
            remaining_creates=5,
            created_at=request.submitted_at,
        )
        for request in requests
    )


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured)


class TestRequestsPage:
    def test_lists_both_kinds_linking_each_request(self, client_for, seller, outsider):
        partner_vr = PartnerRequestFactory(submitted_by=seller, organization_name="Tailspin HQ")
        (customer_vr,) = customer_requests(seller, 1)
        PartnerRequestFactory(submitted_by=outsider, organization_name="Litware Secret")
        response = client_for(seller).get(REQUESTS)
        page = response.content.decode()
        assert response.status_code == 200
        for vr in (partner_vr, customer_vr):
            assert reverse("validation:detail", args=[vr.uuid]) in page
            assert vr.reference in page
        assert "Litware Secret" not in page
        assert page.count("<h1") == 1 and "<title>Validation requests" in page

    def test_filters_by_kind_state_and_customer(self, client_for, seller):
        PartnerRequestFactory(submitted_by=seller, organization_name="Tailspin HQ")
        customer_requests(seller, 2, name="Open Town")
        customer_requests(seller, 1, status=RequestState.REJECTED, name="Rejected Town")
        county = CustomerFactory(company_name="Adams County")
        manage(seller.partner, county)
        customer_requests(seller, 1, customer=county, name="Legal Name")
        client = client_for(seller)

        def shown(**params):
            page = client.get(REQUESTS, params).context["page"]
            return sorted(vr.organization_name for vr in page)

        assert shown(kind="partner") == ["Tailspin HQ"]
        assert shown(state="rejected") == ["Rejected Town 000"]
        assert shown(kind="customer", state="submitted") == [
            "Legal Name 000",
            "Open Town 000",
            "Open Town 001",
        ]
        assert shown(search="open town") == ["Open Town 000", "Open Town 001"]
        assert shown(search="adams") == ["Legal Name 000"]  # the customer's own name

    def test_bad_filters_are_a_400_with_a_message(self, client_for, seller):
        response = client_for(seller).get(REQUESTS, {"state": "nonsense", "kind": "x"})
        assert response.status_code == 400
        page = response.content.decode()
        assert 'id="error-summary"' in page and 'href="#id_state"' in page  # the page's summary
        nul = client_for(seller).get(REQUESTS, {"search": "a\x00b"})
        assert nul.status_code == 400

    def test_paginated(self, client_for, seller):
        customer_requests(seller, 30)
        client = client_for(seller)
        first = client.get(REQUESTS, {"kind": "customer"})
        assert len(first.context["page"].object_list) == 25
        assert "kind=customer&amp;page=2" in first.content.decode()
        second = client.get(REQUESTS, {"kind": "customer", "page": 2})
        assert len(second.context["page"].object_list) == 5

    def test_query_count_is_bounded(self, client_for, seller):
        county = CustomerFactory(company_name="Adams County")
        manage(seller.partner, county)
        client = client_for(seller)
        customer_requests(seller, 5, customer=county)
        at_five = queries(client, REQUESTS)
        customer_requests(seller, 55, customer=county, name="More")
        assert queries(client, REQUESTS) == at_five
        assert queries(client, REQUESTS, {"page": 2, "search": "More"}) <= at_five

    @pytest.mark.parametrize("role", list(Role))
    def test_every_partner_role_may_view(self, client_for, seller, role):
        agent = UserFactory(partner=seller.partner, role=role)
        client = client_for(agent)
        assert client.get(REQUESTS).status_code == 200
        assert client.get(CODES).status_code == 200

    def test_reachable_from_the_menu_and_home(self, client_for, seller):
        home = client_for(seller).get(reverse("home")).content.decode()
        assert f'href="{REQUESTS}"' in home and f'href="{CODES}"' in home


class TestCodesPage:
    def test_each_code_with_its_creates_and_customers(self, client_for, seller, outsider):
        code, unused = codes(seller, 2)
        county = CustomerFactory(company_name="Adams County")
        SpecialQualification.objects.create(
            customer=county,
            qualification=SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
            granted_at=timezone.now(),
            validation_code=code,
        )
        code.remaining_creates = 4
        code.save()
        (others,) = codes(outsider, 1, name="Litware")
        page = client_for(seller).get(CODES).content.decode()
        assert code.validation_id in page and unused.validation_id in page
        assert code.organization_name in page
        assert reverse("customers:detail", args=[county.uuid]) in page and "Adams County" in page
        assert '<td class="text-end">4</td>' in page and '<td class="text-end">5</td>' in page
        assert timezone.localdate(code.created_at).strftime("%b") in page
        assert reverse("validation:detail", args=[code.request.uuid]) in page
        assert others.validation_id not in page  # another partner's code (same number range)

    def test_used_up_codes_are_listed(self, client_for, seller):
        (code,) = codes(seller, 1)
        code.remaining_creates = 0
        code.save()
        page = client_for(seller).get(CODES).content.decode()
        assert code.validation_id in page and "Used up" in page

    def test_query_count_is_bounded(self, client_for, seller):
        client = client_for(seller)

        def with_customers(codes):
            customers = [CustomerFactory() for _ in codes]
            SpecialQualification.objects.bulk_create(
                SpecialQualification(
                    customer=customer,
                    qualification=SpecialQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
                    granted_at=timezone.now(),
                    validation_code=code,
                )
                for customer, code in zip(customers, codes, strict=True)
            )

        with_customers(codes(seller, 5))
        at_five = queries(client, CODES)
        with_customers(codes(seller, 55, name="More"))
        assert queries(client, CODES) == at_five
