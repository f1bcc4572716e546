"""/v1/ answers in English, as Partner Center's API does, whatever the caller's language: its
messages have Spanish translations (the portal shows them), the API does not use them."""

import pytest
from django.utils import translation

from .conftest import new_customer_body

pytestmark = pytest.mark.django_db
SPANISH_CALLER = {"Accept-Language": "es-MX,es;q=0.9"}
TAKEN = "This domain is already taken. Choose another domain prefix."


def test_a_refusal_is_described_in_english_to_a_spanish_caller(seller_api, client):
    with translation.override("es"):
        assert translation.gettext(TAKEN) != TAKEN  # the portal would say it in Spanish
    assert seller_api.post("/v1/customers", new_customer_body()).status_code == 201
    again = seller_api.post("/v1/customers", new_customer_body(), headers=SPANISH_CALLER)
    assert again.status_code == 409 and again.body["description"] == TAKEN
    assert again["Content-Language"] == "en"


def test_a_spanish_language_cookie_does_not_change_the_api(seller_api, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert seller_api.post("/v1/customers", new_customer_body()).status_code == 201
    again = seller_api.post("/v1/customers", new_customer_body(), headers=SPANISH_CALLER)
    assert again.body["description"] == TAKEN
