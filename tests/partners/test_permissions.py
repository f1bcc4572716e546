"""The permission matrix is docs/reference/gcc-domain.md section 3, cell for cell."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from lib.refusals import RefusalCode
from partners.models import Role, User
from partners.permissions import MATRIX, Action, allows, require, role_refusal, roles_allowed

from ..refusals import refused

Y, N = True, False
ADMIN, SALES, HELPDESK, GLOBAL = (
    Role.ADMIN_AGENT,
    Role.SALES_AGENT,
    Role.HELPDESK_AGENT,
    Role.GLOBAL_ADMIN,
)

# docs/reference/gcc-domain.md section 3, "[sim] Permission matrix for our portal", in the same
# column order: admin agent | sales agent | helpdesk agent | global admin.
EXPECTED: dict[Action, dict[Role, bool]] = {
    # view organization profile, reseller qualifications
    Action.VIEW_PROFILE: {ADMIN: Y, SALES: Y, HELPDESK: Y, GLOBAL: Y},
    # submit partner GCC validation
    Action.SUBMIT_PARTNER_VALIDATION: {ADMIN: Y, SALES: N, HELPDESK: N, GLOBAL: Y},
    # add customer (incl. GCC special qualification)
    Action.ADD_CUSTOMER: {ADMIN: Y, SALES: Y, HELPDESK: N, GLOBAL: Y},
    # submit customer GCC validation request
    Action.SUBMIT_CUSTOMER_VALIDATION: {ADMIN: Y, SALES: Y, HELPDESK: N, GLOBAL: Y},
    # request reseller relationship
    Action.REQUEST_RELATIONSHIP: {ADMIN: Y, SALES: Y, HELPDESK: N, GLOBAL: Y},
    # view customers, account page, validation status
    Action.VIEW_CUSTOMERS: {ADMIN: Y, SALES: Y, HELPDESK: Y, GLOBAL: Y},
    # edit customer company/contact details
    Action.EDIT_CUSTOMER: {ADMIN: Y, SALES: N, HELPDESK: Y, GLOBAL: Y},
    # place orders, change subscriptions
    Action.PLACE_ORDERS: {ADMIN: Y, SALES: Y, HELPDESK: N, GLOBAL: Y},
    # end a reseller relationship with a customer (Partner Center: admin agent)
    Action.REMOVE_RELATIONSHIP: {ADMIN: Y, SALES: N, HELPDESK: N, GLOBAL: Y},
    # manage partner users and roles
    Action.MANAGE_USERS: {ADMIN: N, SALES: N, HELPDESK: N, GLOBAL: Y},
}


def partner_user(role) -> User:
    """An unsaved partner user: the matrix needs only a partner and a role."""
    return User(username=f"{role}@example.test", partner_id=1, role=role)


def test_the_expected_table_covers_every_action_and_role():
    assert set(EXPECTED) == set(Action) == set(MATRIX)
    for row in EXPECTED.values():
        assert set(row) == set(Role)


@pytest.mark.parametrize("action", list(Action), ids=str)
@pytest.mark.parametrize("role", list(Role), ids=str)
def test_allows_matches_the_domain_table(role, action):
    assert allows(partner_user(role), action) is EXPECTED[action][role]


@pytest.mark.parametrize("action", list(Action), ids=str)
def test_require_refuses_exactly_what_allows_refuses(action):
    for role in Role:
        user = partner_user(role)
        if EXPECTED[action][role]:
            require(user, action)
        else:
            with refused(RefusalCode.ROLE_NOT_ALLOWED) as caught:
                require(user, action)
            assert (caught.value.about, caught.value.status) == (action, 403)


def test_roles_allowed_lists_the_table_row_in_role_order():
    for action, row in EXPECTED.items():
        expected = [Role(role).label for role in Role if row[role]]
        assert roles_allowed(action) == expected
    assert roles_allowed(Action.MANAGE_USERS) == ["Global admin"]


@pytest.mark.parametrize(
    "role, action, message",
    [
        (Role.ADMIN_AGENT, Action.MANAGE_USERS, "Only a global admin can manage"),
        (Role.SALES_AGENT, Action.SUBMIT_PARTNER_VALIDATION, "Only an admin agent or a global"),
        (Role.HELPDESK_AGENT, Action.PLACE_ORDERS, "Your role can view customers but not order"),
        (Role.HELPDESK_AGENT, Action.ADD_CUSTOMER, "Your role cannot add customers."),
        (Role.SALES_AGENT, Action.EDIT_CUSTOMER, "Your role does not allow this action."),
    ],
)
def test_refusals_say_what_the_role_may_not(role, action, message):
    """Each action's own words, the same on every door (pages, services, API)."""
    with refused(RefusalCode.ROLE_NOT_ALLOWED) as caught:
        require(partner_user(role), action)
    assert caught.value.message.startswith(message)


@pytest.mark.parametrize(
    "user",
    [
        User(username="reviewer@microsoft.test", is_staff=True),
        User(username="ops@gccportal.test", is_staff=True, is_superuser=True),
        # Even a role left on a user without a partner grants nothing.
        User(username="orphan@example.test", role=Role.GLOBAL_ADMIN),
        AnonymousUser(),
    ],
    ids=["reviewer", "superuser", "role-without-partner", "anonymous"],
)
def test_a_user_without_a_partner_is_allowed_nothing(user):
    for action in Action:
        assert not allows(user, action)
        with refused(RefusalCode.ROLE_NOT_ALLOWED):
            require(user, action)


@pytest.mark.django_db
def test_the_reviewer_fixture_is_allowed_nothing(reviewer):
    assert not any(allows(reviewer, action) for action in Action)


@pytest.mark.parametrize(
    "url, action",
    [
        ("orders:new_customer", Action.ADD_CUSTOMER),
        ("orders:new_customer_subscriptions", Action.PLACE_ORDERS),
        ("orders:new_customer_review", Action.PLACE_ORDERS),
        ("relationships:new", Action.REQUEST_RELATIONSHIP),
        ("partners:user_list", Action.MANAGE_USERS),
        ("partners:user_create", Action.MANAGE_USERS),
    ],
)
def test_every_role_refusal_page_is_the_one_page_with_the_services_words(
    client_for, helpdesk_agent, url, action
):
    client = client_for(helpdesk_agent)
    for response in (client.get(reverse(url)), client.post(reverse(url), {})):
        assert response.status_code == 403
        assert response.templates[0].name == "partners/not_allowed.html"
        assert response.context["message"] == role_refusal(action).message
        assert response.context["roles"] == roles_allowed(action)
