"""Tokens, 401s, headers, unknown routes and throttling."""

import pytest
from django.core.cache import cache
from django.utils import timezone

from api.models import ApiToken, IdempotentResponse
from api.services import (
    api_token_authenticate,
    api_token_create,
    api_token_revoke,
    idempotent_responses_purge,
)
from lib.refusals import RefusalCode

from ..refusals import refused
from .conftest import token_for

pytestmark = pytest.mark.django_db


def test_missing_token_is_401_with_www_authenticate(api):
    response = api.get("/v1/customers", token=None)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.body == {
        "code": 800001,
        "description": "The partner token is missing from the request.",
        "data": [],
        "source": "PartnerFD",
    }


@pytest.mark.parametrize("token", ["gcc_not-a-real-token", "something-else"])
def test_invalid_token_is_401(api, token):
    response = api.get("/v1/customers", token=token)
    assert response.status_code == 401
    assert response.body["code"] == 400
    assert "WWW-Authenticate" in response


def test_revoked_token_is_401(api, seller):
    new = api_token_create(actor=seller, name="script")
    api_token_revoke(actor=seller, token_id=new.token.pk)
    assert api.get("/v1/customers", token=new.raw).status_code == 401


def test_token_of_deactivated_agent_is_401(api, seller):
    raw = token_for(seller)
    seller.is_active = False
    seller.save()
    assert api.get("/v1/customers", token=raw).status_code == 401


def test_token_is_stored_hashed_and_records_last_use(api, seller):
    new = api_token_create(actor=seller, name="script")
    token = ApiToken.objects.get()
    assert new.raw not in (token.token_hash, token.prefix) and new.raw.startswith(token.prefix)
    assert token.last_used_at is None
    assert api.get("/v1/customers", token=new.raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_needs_a_name(seller):
    with refused(RefusalCode.TOKEN_NAME_REQUIRED):
        api_token_create(actor=seller, name="  ")


def test_authenticate_ignores_revoked(seller):
    new = api_token_create(actor=seller, name="x")
    assert api_token_authenticate(new.raw).agent == seller
    api_token_revoke(actor=seller, token_id=new.token.pk)
    api_token_revoke(actor=seller, token_id=new.token.pk)  # twice is harmless
    assert api_token_authenticate(new.raw) is None


def test_request_and_correlation_ids_are_echoed_or_generated(seller_api):
    echoed = seller_api.get(
        "/v1/customers", headers={"MS-CorrelationId": "corr-1", "MS-RequestId": "req-1"}
    )
    assert echoed["MS-CorrelationId"] == "corr-1"
    assert echoed["MS-RequestId"] == "req-1"
    assert echoed["Content-Type"] == "application/json; charset=utf-8"
    generated = seller_api.get("/v1/customers")
    assert len(generated["MS-CorrelationId"]) == 36
    assert len(generated["MS-RequestId"]) == 36


def test_a_generated_correlation_id_is_the_one_the_request_is_logged_under(seller_api, caplog):
    with caplog.at_level("INFO", logger="gccportal.requests"):
        response = seller_api.get("/v1/customers")
    [logged] = [r for r in caplog.records if r.getMessage() == "http_request"]
    assert logged.correlation_id == response["MS-CorrelationId"]


def test_overlong_request_id_is_400(seller_api):
    response = seller_api.get("/v1/customers", headers={"MS-RequestId": "x" * 65})
    assert response.status_code == 400
    assert response.body["code"] == 800002


def test_unknown_route_is_a_json_404(client):
    response = client.get("/v1/nothing/here")
    assert response.status_code == 404
    assert response.json()["code"] == 1000


def test_method_not_allowed_is_405_in_the_error_shape(seller_api):
    response = seller_api.client.delete(
        "/v1/offers", HTTP_AUTHORIZATION=f"Bearer {seller_api.token}"
    )
    assert response.status_code == 405
    assert response.json()["source"] == "PartnerFD"


def test_throttled_token_gets_429_with_retry_after(seller_api, settings):
    cache.clear()
    settings.GCC_API_RATE = "2/min"
    assert seller_api.get("/v1/customers").status_code == 200
    assert seller_api.get("/v1/customers").status_code == 200
    response = seller_api.get("/v1/customers")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.body == {
        "statusCode": 429,
        "message": f"Rate limit is exceeded. Try again in {response['Retry-After']} seconds.",
    }
    cache.clear()


def test_idempotent_answers_expire_after_24_hours(seller):
    IdempotentResponse.objects.create(
        agent=seller,
        request_id="r",
        method="POST",
        resource="v1/customers",
        status=201,
        body={},
        created_at=timezone.now() - timezone.timedelta(hours=25),
    )
    assert idempotent_responses_purge() == 1


# --- The settings page -----------------------------------------------------------------------


def test_token_page_creates_a_token_shown_once(client_for, helpdesk):
    client = client_for(helpdesk)
    response = client.post("/settings/api-tokens/", {"name": "Ticket sync"})
    assert response.status_code == 200
    token = ApiToken.objects.get(agent=helpdesk)
    raw = response.context["new_token"].raw
    assert raw.startswith(token.prefix) and raw.encode() in response.content
    listing = client.get("/settings/api-tokens/")
    assert raw.encode() not in listing.content
    assert b"Ticket sync" in listing.content and b"Never" in listing.content


def test_token_page_refuses_a_blank_name(client_for, seller):
    response = client_for(seller).post("/settings/api-tokens/", {"name": ""})
    assert response.status_code == 400
    assert b"Give the token a name" in response.content
    assert not ApiToken.objects.exists()


def test_token_page_revokes_own_token_only(client_for, seller, stranger):
    mine = api_token_create(actor=seller, name="mine").token
    theirs = api_token_create(actor=stranger, name="theirs").token
    client = client_for(seller)
    response = client.post(f"/settings/api-tokens/{mine.pk}/revoke/", follow=True)
    assert b"revoked" in response.content
    mine.refresh_from_db()
    assert mine.revoked_at is not None
    assert client.post(f"/settings/api-tokens/{theirs.pk}/revoke/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_token_page_needs_sign_in(client):
    assert client.get("/settings/api-tokens/").status_code == 302


def test_openapi_document_and_docs_are_served(client):
    schema = client.get("/v1/openapi.json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.1")
    assert "/v1/customers/{customer_id}/qualifications" in document["paths"]
    docs = client.get("/v1/docs/")
    assert docs.status_code == 200


def test_purge_task_drops_expired_answers(seller):
    from api.tasks import purge_idempotent_responses_task

    IdempotentResponse.objects.create(
        agent=seller,
        request_id="old",
        method="POST",
        resource="v1/customers",
        status=201,
        body={},
        created_at=timezone.now() - timezone.timedelta(days=2),
    )
    assert purge_idempotent_responses_task() == 1
    assert not IdempotentResponse.objects.exists()
