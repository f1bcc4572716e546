"""Signing in: the portal's sign-in page, and the customer admin center's invitation page
(its sign-in form, then Accept/Decline)."""

import pytest
from django.urls import reverse
from hypothesis import example as also
from hypothesis import given
from hypothesis import strategies as st

from customers.models import CustomerRelationship
from relationships.services import relationship_link_token, relationship_request_create

from ..factories import PASSWORD, CustomerAdminFactory
from .conftest import assert_escaped, example
from .strategies import FORM_SETTINGS, SCRIPT, bad_text

pytestmark = pytest.mark.django_db


@FORM_SETTINGS
@given(
    page=st.sampled_from(["/accounts/login/", "/admin/login/"]),
    username=bad_text(),
    password=bad_text(),
)
@also(page="/accounts/login/", username=SCRIPT, password=SCRIPT)
@also(page="/accounts/login/", username="sam@contoso.test\x00", password=PASSWORD)
@also(page="/accounts/login/", username="a" * 300, password=PASSWORD)  # axes: 255 max
@also(page="/admin/login/", username="a" * 300, password=PASSWORD)
def test_sign_in(client, sales_agent, page, username, password):
    with example("sign in (portal and /admin/)"):
        response = client.post(page, {"username": username, "password": password})
        assert response.status_code < 500, (username, password)
        assert_escaped(response)
        assert "_auth_user_id" not in client.session  # never with a wrong name or password


@FORM_SETTINGS
@given(
    username=st.one_of(st.just("admin"), bad_text()),
    decision=st.one_of(st.sampled_from(["accept", "decline"]), bad_text()),
    bad_token=st.one_of(st.none(), bad_text().filter(lambda t: t and "/" not in t)),
)
@also(username="admin", decision=SCRIPT, bad_token=None)
def test_admin_center_invitation(client, sales_agent, username, decision, bad_token):
    with example("admin center: invitation"):
        admin = CustomerAdminFactory()
        invitation = relationship_request_create(actor=sales_agent)
        token = bad_token or relationship_link_token(invitation)
        url = reverse("admin_center:invitation", kwargs={"token": token})
        name = admin.username if username == "admin" else username
        response = client.post(url, {"username": name, "password": PASSWORD})
        assert response.status_code < 500
        assert_escaped(response)
        response = client.post(url, {"decision": decision})
        assert response.status_code < 500
        assert_escaped(response)
        accepted = CustomerRelationship.objects.filter(customer=admin.customer).exists()
        assert accepted == (bad_token is None and username == "admin" and decision == "accept")
        client.logout()
