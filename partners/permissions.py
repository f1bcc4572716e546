"""The portal's permission matrix (docs/reference/gcc-domain.md section 3): which role may do what.

Services call ``require`` before they change anything; pages check it first with
``partners.decorators.role_required``; templates only ask ``allows`` to decide which buttons to
show.
"""

from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from lib.refusals import Refusal, RefusalCode

from .models import Role


class Action(StrEnum):
    VIEW_PROFILE = "view_profile"
    SUBMIT_PARTNER_VALIDATION = "submit_partner_validation"
    ADD_CUSTOMER = "add_customer"
    SUBMIT_CUSTOMER_VALIDATION = "submit_customer_validation"
    REQUEST_RELATIONSHIP = "request_relationship"
    VIEW_CUSTOMERS = "view_customers"
    EDIT_CUSTOMER = "edit_customer"
    PLACE_ORDERS = "place_orders"
    REMOVE_RELATIONSHIP = "remove_relationship"
    MANAGE_USERS = "manage_users"


_ALL = frozenset(Role)
_ADMIN = frozenset({Role.GLOBAL_ADMIN, Role.ADMIN_AGENT})
_SELLERS = frozenset({Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT})

MATRIX: dict[Action, frozenset[Role]] = {
    Action.VIEW_PROFILE: _ALL,
    Action.SUBMIT_PARTNER_VALIDATION: _ADMIN,
    Action.ADD_CUSTOMER: _SELLERS,
    Action.SUBMIT_CUSTOMER_VALIDATION: _SELLERS,
    Action.REQUEST_RELATIONSHIP: _SELLERS,
    Action.VIEW_CUSTOMERS: _ALL,
    Action.EDIT_CUSTOMER: frozenset({Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.HELPDESK_AGENT}),
    Action.PLACE_ORDERS: _SELLERS,
    Action.REMOVE_RELATIONSHIP: _ADMIN,
    Action.MANAGE_USERS: frozenset({Role.GLOBAL_ADMIN}),
}

# What a role refusal says, per action: every door (the services, the pages, the API) says it.
REFUSALS: dict[Action, str] = {
    Action.SUBMIT_PARTNER_VALIDATION: gettext_noop(
        "Only an admin agent or a global admin of your organization can submit the partner "
        "GCC validation. Ask one of them to submit it."
    ),
    Action.REQUEST_RELATIONSHIP: gettext_noop(
        "Only a global admin, an admin agent or a sales agent can request a reseller "
        "relationship with a customer. Ask one of them to send the request."
    ),
    Action.MANAGE_USERS: gettext_noop("Only a global admin can manage your organization's users."),
    Action.ADD_CUSTOMER: gettext_noop("Your role cannot add customers."),
    Action.PLACE_ORDERS: gettext_noop("Your role can view customers but not order for them."),
    Action.REMOVE_RELATIONSHIP: gettext_noop(
        "Only an admin agent or a global admin of your organization can end a reseller "
        "relationship with a customer."
    ),
}
ROLE_NOT_ALLOWED = gettext_noop("Your role does not allow this action.")


def role_refusal(action: Action) -> Refusal:
    """The signed-in user's role does not allow ``action`` (a 403, ``about`` the action)."""
    return Refusal(
        RefusalCode.ROLE_NOT_ALLOWED, _(REFUSALS.get(action, ROLE_NOT_ALLOWED)), about=action
    )


def allows(user, action: Action) -> bool:
    return bool(getattr(user, "partner_id", None)) and user.role in MATRIX[action]


def require(user, action: Action) -> None:
    if not allows(user, action):
        raise role_refusal(action)


def roles_allowed(action: Action) -> list[str]:
    return [Role(role).label for role in Role if role in MATRIX[action]]
