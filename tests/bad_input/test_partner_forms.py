"""Settings: Users (add, change role, deactivate) and API tokens."""

import pytest
from django.urls import reverse
from hypothesis import example as also
from hypothesis import given
from hypothesis import strategies as st

from api.models import ApiToken
from partners.models import Role, User

from ..factories import UserFactory
from .conftest import assert_escaped, example, post_checked
from .strategies import FORM_SETTINGS, SCRIPT, bad_guid, bad_text, form_data

pytestmark = pytest.mark.django_db

NEW_USER = {
    "username": "new.agent@contoso.test",
    "first_name": "Nia",
    "last_name": "Agent",
    "email": "new.agent@contoso.test",
    "role": Role.SALES_AGENT,
    "password": "Plenty-of-Entropy-2026!",
}


@FORM_SETTINGS
@given(data=form_data(NEW_USER, {}))
@also(data={**NEW_USER, "username": "has a space"})
@also(data={**NEW_USER, "first_name": SCRIPT, "last_name": SCRIPT})
def test_add_user(signed_in, global_admin, data):
    client = signed_in(global_admin)
    with example("partners: add user"):
        response = post_checked(
            client, reverse("partners:user_create"), data, models=[User], form="add user"
        )
        if response.status_code == 302:  # saved: the list shows it, escaped
            assert_escaped(client.get(reverse("partners:user_list")))
            user = User.objects.get(username=data["username"])
            assert_escaped(client.get(reverse("partners:user_edit", args=[user.public_id])))


@FORM_SETTINGS
@given(role=st.one_of(st.sampled_from(Role.values), bad_text()), active=bad_text())
def test_change_role_and_deactivate(signed_in, global_admin, role, active):
    client = signed_in(global_admin)
    with example("partners: change role / deactivate"):
        member = UserFactory(partner=global_admin.partner, role=Role.SALES_AGENT)
        response = post_checked(
            client,
            reverse("partners:user_edit", args=[member.public_id]),
            {"role": role},
            models=[User],
            form="change role",
        )
        member.refresh_from_db()
        if response.status_code != 302:
            assert member.role == Role.SALES_AGENT
        response = client.post(
            reverse("partners:user_set_active", args=[member.public_id]), {"active": active}
        )
        assert response.status_code < 500


@FORM_SETTINGS
@given(public_id=bad_guid())
def test_user_pages_with_a_bad_id(signed_in, global_admin, public_id):
    client = signed_in(global_admin)
    with example("partners: user id in the URL"):
        response = client.get(f"/settings/users/{public_id}/")
        assert response.status_code < 500


@FORM_SETTINGS
@given(name=bad_text())
@also(name="ci tool\x00")
@also(name=SCRIPT)
def test_create_api_token(signed_in, sales_agent, name):
    client = signed_in(sales_agent)
    with example("api tokens: create"):
        before = ApiToken.objects.count()
        response = client.post(reverse("api_tokens:list"), {"name": name})
        assert response.status_code < 500, name
        assert_escaped(response)
        saved = ApiToken.objects.count() - before
        assert saved == (1 if response.status_code == 200 else 0)
        if saved:
            assert_escaped(client.get(reverse("api_tokens:list")))
