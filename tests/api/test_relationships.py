"""Reseller relationship requests and partner relationships."""

from urllib.parse import parse_qs, urlparse

import pytest

from partners.models import Role
from relationships.models import RelationshipRequest

from ..factories import IndirectResellerFactory, UserFactory
from .conftest import token_for

pytestmark = pytest.mark.django_db


def test_relationship_request_gives_a_personalized_link(seller_api, seller, client):
    response = seller_api.get("/v1/customers/relationshiprequests")
    assert response.status_code == 200
    assert response.body["attributes"] == {"objectType": "RelationshipRequest"}
    url = urlparse(response.body["url"])
    query = parse_qs(url.query)
    assert query["invType"] == ["ResellerRelationship"]
    assert query["partnerId"] == [str(seller.partner.tenant_id)]
    assert query["DAP"] == ["false"]
    assert RelationshipRequest.objects.get().partner == seller.partner
    assert client.get(f"{url.path}?{url.query}").status_code in (200, 302)


def test_provider_names_its_reseller(api):
    reseller = IndirectResellerFactory()
    agent = UserFactory(partner=reseller.indirect_provider, role=Role.ADMIN_AGENT)
    response = api.get(
        f"/v1/customers/relationshiprequests?indirectResellerId={reseller.tenant_id}",
        token=token_for(agent),
    )
    assert response.status_code == 200
    assert f"indirectResellerId={reseller.tenant_id}" in response.body["url"]
    assert RelationshipRequest.objects.get().indirect_reseller == reseller


@pytest.mark.parametrize("reseller_id", ["not-a-guid", "5d2b7c1e-0000-4a6e-9f00-2c1d3e4f5a6b"])
def test_unknown_reseller_is_refused(seller_api, reseller_id):
    response = seller_api.get(
        f"/v1/customers/relationshiprequests?indirectResellerId={reseller_id}"
    )
    assert response.status_code == 400
    assert response.body["code"] == 800016


def test_direct_reseller_cannot_name_a_reseller(seller_api):
    reseller = IndirectResellerFactory()
    response = seller_api.get(
        f"/v1/customers/relationshiprequests?indirectResellerId={reseller.tenant_id}"
    )
    assert response.status_code == 400
    assert not RelationshipRequest.objects.exists()


def test_helpdesk_cannot_request_relationships(api, helpdesk):
    response = api.get("/v1/customers/relationshiprequests", token=token_for(helpdesk))
    assert response.status_code == 403
    assert response.body["code"] == 900150


def test_provider_lists_its_resellers_and_reseller_its_provider(api):
    reseller = IndirectResellerFactory(name="Fabrikam Gov")
    provider_agent = UserFactory(partner=reseller.indirect_provider, role=Role.ADMIN_AGENT)
    listed = api.get(
        "/v1/relationships?relationship_type=IsIndirectCloudSolutionProviderOf",
        token=token_for(provider_agent),
    )
    assert [(r["id"], r["relationshipType"]) for r in listed.body["items"]] == [
        (str(reseller.tenant_id), "is_indirect_cloud_solution_provider_of")
    ]
    reseller_agent = UserFactory(partner=reseller, role=Role.SALES_AGENT)
    upward = api.get(
        "/v1/relationships?relationship_type=IsIndirectResellerOf", token=token_for(reseller_agent)
    )
    assert [r["id"] for r in upward.body["items"]] == [str(reseller.indirect_provider.tenant_id)]


def test_relationship_type_is_required(seller_api):
    response = seller_api.get("/v1/relationships")
    assert response.status_code == 400
    assert response.body["code"] == 800002


def test_asking_again_gives_the_same_link_until_it_is_answered(api):
    """A GET has no side effect a client notices: 20 GETs are one pending request (before,
    20 rows), per reseller; once a customer has answered it, the next GET opens a new one."""
    reseller = IndirectResellerFactory()
    agent = UserFactory(partner=reseller.indirect_provider, role=Role.ADMIN_AGENT)
    token = token_for(agent)
    plain = {
        api.get("/v1/customers/relationshiprequests", token=token).body["url"] for _ in range(20)
    }
    named = {
        api.get(
            f"/v1/customers/relationshiprequests?indirectResellerId={reseller.tenant_id}",
            token=token,
        ).body["url"]
        for _ in range(3)
    }
    assert len(plain) == len(named) == 1 and plain != named
    assert RelationshipRequest.objects.count() == 2

    RelationshipRequest.objects.filter(indirect_reseller=None).update(status="declined")
    again = api.get("/v1/customers/relationshiprequests", token=token).body["url"]
    assert again not in plain
    assert RelationshipRequest.objects.count() == 3
