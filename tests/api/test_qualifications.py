"""Validation codes, customer qualifications (v2 and v1) and the validation relationship."""

import pytest

from partners.models import Role
from validation.models import SpecialQualification, ValidationCode, ValidationRequest

from ..factories import PartnerFactory, UserFactory, codes_for
from ..orders.conftest import approved_code, managed_customer
from .conftest import token_for

pytestmark = pytest.mark.django_db
GCC = "GovernmentCommunityCloud"


@pytest.fixture
def customer(seller):
    return managed_customer(seller.partner, gcc=False, company_name="County of Lincoln")


def qualifications(api, customer):
    return f"/v1/customers/{customer.tenant_id}/qualifications"


def test_validation_codes_are_a_bare_array(seller_api, seller, stranger):
    code = approved_code(seller)
    approved_code(stranger, domain="elsewhere.gov")
    response = seller_api.get("/v1/customers/all/validations")
    assert response.status_code == 200
    assert response.body == [
        {
            "partnerId": str(seller.partner.tenant_id),
            "organizationName": "County of Lincoln",
            "validationId": code.validation_id,
            "maxCreates": 5,
            "remainingCreates": 5,
            "eTag": response.body[0]["eTag"],
        }
    ]
    assert response.body[0]["eTag"].startswith('W/"datetime')


def test_customer_without_qualification_is_an_empty_array(seller_api, customer):
    assert seller_api.get(qualifications(seller_api, customer)).body == []


def test_gcc_with_a_validation_code(seller_api, seller, customer):
    code = approved_code(seller)
    response = seller_api.post(
        qualifications(seller_api, customer),
        {"Qualification": GCC, "ValidationCode": code.validation_id},
    )
    assert response.status_code == 201, response.body
    assert response.body["qualification"] == GCC
    assert response.body["vettingStatus"] == "Approved"
    code.refresh_from_db()
    assert code.remaining_creates == 4
    listed = seller_api.get(qualifications(seller_api, customer)).body
    assert [(q["qualification"], q["vettingStatus"]) for q in listed] == [(GCC, "Approved")]
    relationship = seller_api.get(f"/v1/customers/{customer.tenant_id}/validations")
    assert relationship.status_code == 200
    assert relationship.body["validationId"] == code.validation_id
    assert relationship.body["customerId"] == str(customer.tenant_id)


def test_already_qualified_is_409_and_uses_no_create(seller_api, seller, customer):
    code = approved_code(seller)
    body = {"qualification": GCC, "validationCode": code.validation_id}
    assert seller_api.post(qualifications(seller_api, customer), body).status_code == 201
    again = seller_api.post(qualifications(seller_api, customer), body)
    assert again.status_code == 409
    assert "already holds the Government Community Cloud" in again.body["description"]
    code.refresh_from_db()
    assert code.remaining_creates == 4


def test_code_in_the_query_string_and_the_body_wins(seller_api, seller, customer):
    code = approved_code(seller)
    path = qualifications(seller_api, customer)
    response = seller_api.post(
        f"{path}?code=999999", {"qualification": GCC, "validationCode": code.validation_id}
    )
    assert response.status_code == 201
    other = managed_customer(seller.partner, gcc=False)
    by_query = seller_api.post(
        f"{qualifications(seller_api, other)}?code={code.validation_id}", {"qualification": GCC}
    )
    assert by_query.status_code == 201


def test_used_up_code_is_refused(seller_api, seller, customer):
    code = approved_code(seller)
    ValidationCode.objects.filter(pk=code.pk).update(remaining_creates=0)
    response = seller_api.post(
        qualifications(seller_api, customer),
        {"qualification": GCC, "validationCode": code.validation_id},
    )
    assert response.status_code == 400
    assert response.body["code"] == 3000
    assert response.body["description"].startswith("This validation code has no creates left")
    assert not SpecialQualification.objects.exists()


@pytest.mark.parametrize("code", ["", "123"])
def test_missing_or_unknown_code_is_refused(seller_api, customer, code):
    response = seller_api.post(
        qualifications(seller_api, customer), {"qualification": GCC, "validationCode": code}
    )
    assert response.status_code == 400
    assert response.body["code"] == 3000


def test_another_partners_code_is_unknown(seller_api, stranger, customer):
    code = approved_code(stranger, domain="elsewhere.gov")
    response = seller_api.post(
        qualifications(seller_api, customer),
        {"qualification": GCC, "validationCode": code.validation_id},
    )
    assert response.status_code == 400
    assert response.body["description"] == "Choose one of your organization's validation codes."


@pytest.mark.parametrize("value", ["Education", "Nonprofit", "None", "Martian"])
def test_only_gcc_can_be_set(seller_api, customer, value):
    response = seller_api.post(qualifications(seller_api, customer), {"qualification": value})
    assert response.status_code == 400
    assert response.body["code"] == 3000


def test_helpdesk_cannot_set_qualifications(api, helpdesk, seller, customer):
    code = approved_code(seller)
    response = api.post(
        qualifications(api, customer),
        {"qualification": GCC, "validationCode": code.validation_id},
        token=token_for(helpdesk),
    )
    assert response.status_code == 403
    assert response.body["code"] == 900150


def test_partner_without_gcc_is_refused(api):
    agent = UserFactory(partner=PartnerFactory(), role=Role.SALES_AGENT)
    customer = managed_customer(agent.partner, gcc=False)
    response = api.post(
        qualifications(api, customer),
        {"qualification": GCC, "validationCode": "123456"},
        token=token_for(agent),
    )
    assert response.status_code == 403
    assert response.body["code"] == 2006


def test_validation_relationship_404_when_never_validated(seller_api, customer):
    response = seller_api.get(f"/v1/customers/{customer.tenant_id}/validations")
    assert response.status_code == 404
    assert response.body["code"] == 1000


def test_v1_qualification_routes(seller_api, seller, customer):
    path = f"/v1/customers/{customer.tenant_id}/qualification"
    assert seller_api.get(path).body == "none"
    code = approved_code(seller)
    response = seller_api.put(f"{path}?code={code.validation_id}", "government_community_cloud")
    assert response.status_code == 200, response.body
    assert response.body == "government_community_cloud"
    assert seller_api.get(path).body == "government_community_cloud"
    assert seller_api.put(f"{path}?code=1", {"not": "a string"}).status_code == 400


# --- The sandbox's customer validation submission -----------------------------------------


def intake(seller, **overrides):
    body = {
        "organizationName": "County of Lincoln",
        "tenantId": str(seller.partner.tenant_id),
        "entityType": "state_local",
        "jurisdiction": "Lincoln County, Nebraska",
        "contactName": "Casey Morgan",
        "contactEmail": "it@lincolncounty.gov",
        "contactPhone": "+1 402 555 0100",
        "attested": True,
    }
    body.update(overrides)
    return body


def test_submitting_a_validation_shows_in_review(seller_api, seller, customer):
    path = f"/v1/customers/{customer.tenant_id}/validations"
    response = seller_api.post(path, intake(seller))
    assert response.status_code == 201, response.body
    assert response.body["vettingStatus"] == "InReview"
    listed = seller_api.get(qualifications(seller_api, customer)).body
    assert [(q["qualification"], q["vettingStatus"]) for q in listed] == [(GCC, "InReview")]
    again = seller_api.post(path, intake(seller))
    assert again.status_code == 409


def test_validation_refuses_the_azure_gcc_tenant(seller_api, seller, customer):
    response = seller_api.post(
        f"/v1/customers/{customer.tenant_id}/validations",
        intake(seller, tenantId=str(seller.partner.azure_gcc_tenant_id)),
    )
    assert response.status_code == 400
    assert response.body["description"].startswith("This is an Azure GCC tenant ID.")


@pytest.mark.parametrize(
    ("overrides", "said"),
    [
        ({"attested": False}, "You must confirm before submitting."),
        # The page refused these at intake while the API took them (the reviewer rejected the
        # first two business days later); both doors now ask the same service rule.
        ({"entityType": "commercial", "jurisdiction": ""}, "government-regulated data"),
        ({"entityType": "federal", "jurisdiction": ""}, "Name the agency or jurisdiction."),
        ({"contactPhone": "call me"}, "Enter a phone number"),
    ],
)
def test_validation_refuses_what_the_page_refuses(seller_api, seller, customer, overrides, said):
    response = seller_api.post(
        f"/v1/customers/{customer.tenant_id}/validations", intake(seller, **overrides)
    )
    assert response.status_code == 400
    assert said in response.body["description"]
    assert not ValidationRequest.objects.exists()


def test_helpdesk_cannot_submit_validations(api, helpdesk, seller, customer):
    response = api.post(
        f"/v1/customers/{customer.tenant_id}/validations",
        intake(seller),
        token=token_for(helpdesk),
    )
    assert response.status_code == 403
    assert response.body["code"] == 900150


def test_the_codes_list_is_seek_paged_through_its_headers(seller_api, seller):
    codes = codes_for(seller, 7)
    response = seller_api.get("/v1/customers/all/validations?size=3")
    seen = [code["validationId"] for code in response.body]
    assert len(seen) == 3
    while token := response.headers.get("MS-ContinuationToken"):
        assert 'rel="next"' in response.headers["Link"]
        response = seller_api.get(
            "/v1/customers/all/validations?seekOperation=Next",
            headers={"MS-ContinuationToken": token},
        )
        seen += [code["validationId"] for code in response.body]
    assert seen == [c.validation_id for c in sorted(codes, key=lambda c: c.organization_name)]
    forged = seller_api.get(
        "/v1/customers/all/validations?seekOperation=Next",
        headers={"MS-ContinuationToken": "forged"},
    )
    assert forged.status_code == 400
