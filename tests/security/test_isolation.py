"""The isolation sweep: every URL pattern the resolver knows, probed as every kind of outsider.

For each pattern (portal, /v1/, /admin/), read from ``django.urls.get_resolver()``:

* partner B's agent, with partner A's ids filled into the URL, gets a 404 (GET, and every
  other method the view takes), and no response to B carries any of partner A's markers;
* anonymous users are sent to sign in (portal) or get a 401 with ``WWW-Authenticate`` (/v1/),
  except the public patterns listed in ``TABLE`` with their reason;
* agents whose role may not do an action are refused the way the portal refuses them;
* customer admins never reach partner pages; partner agents and customer admins never /admin/;
* positive control: partner A's own agent, with the same ids, gets the page (else a 404 proves
  nothing), and sees the markers B must not see.

A new URL pattern fails ``test_every_url_pattern_is_known`` until ``TABLE`` says how to fill
it. /admin/ patterns are handled as one group, filled generically from their model.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from customers.models import Customer
from lib.refusals import RefusalCode
from orders.lifecycle import subscription_update
from orders.models import Subscription
from orders.services import NOT_YOUR_SUBSCRIPTION
from partners.models import ResellerQualification, Role
from partners.permissions import REFUSALS, Action, role_refusal
from relationships.models import RelationshipRequest
from relationships.services import LINK_SALT
from validation.models import ValidationRequest

from ..refusals import refused
from .conftest import World
from .sweep import (
    ADMIN,
    API,
    PORTAL,
    UrlPattern,
    api_call,
    api_methods,
    build_path,
    text_of,
    url_patterns,
    with_query,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _generous_api_rate(settings):
    """The sweep sends many requests per token; the rate limit is tested in tests/api."""
    settings.GCC_API_RATE = "100000/min"


# --- The table -------------------------------------------------------------------------------

# Who a pattern is for.
PARTNER = "partner"  # partner users only (partner_user_required): the workspace
ACCOUNT = "account"  # any signed-in user's own account (password change)
CUSTOMER_ADMIN = "customer_admin"  # the customer admin center
PUBLIC = "public"  # no sign-in: listed with the reason
API_TOKEN = "api"  # /v1/ with a partner agent's bearer token

# What its parameters point at.
TENANT = "tenant"  # partner A's objects: another partner gets a 404
OWN = "own"  # no ids: each partner sees its own (B's page must show nothing of A's)
GLOBAL = "global"  # shared by every partner on purpose (reason given)


@dataclass(frozen=True)
class RoleCheck:
    """A same-partner agent whose role may not do this, and how the portal refuses it."""

    role: str
    method: str
    status: int
    message: str | None = None  # the refusal the page (context "message") or API shows
    data: Any = None
    redirect: Callable[[World], str] | None = None  # where a refusal-by-redirect goes
    unchanged: Callable[[World], bool] | None = None  # nothing happened


@dataclass(frozen=True)
class Page:
    access: str
    scope: str = OWN
    # Partner A's ids for the URL's parameters; several sets = several probes (first: control).
    fill: Callable[[World], list[dict]] | None = None
    query: Callable[[World], dict] | None = None  # query string (may carry A's ids too)
    data: Callable[[World], Any] | None = None  # POST/PUT/PATCH body (may carry A's ids)
    # URL parameters mixing partner B's own ids with A's: also a 404.
    mixed: Callable[[World], list[dict]] | None = None
    # URL parameters naming the customer both partners manage: B gets the page (owner_get)
    # without A's orders and subscriptions; A's agent sees them (the control).
    shared: Callable[[World], list[dict]] | None = None
    shared_owner_shows: tuple[str, ...] = ()
    post_only: bool = False  # @require_POST: GET is 405
    anon_get_405: bool = False  # @require_POST runs before the sign-in check
    owner_get: int = 200  # partner A's global admin, GET with A's ids
    owner_shows: tuple[str, ...] = ()  # markers A's own agent must see (the control)
    owner_post: int | None = None  # partner A's global admin POSTing ``data``
    owner_post_to: Callable[[World], str] | None = None
    b_post: int | None = None  # OWN pages whose POST body carries A's ids: B's status
    b_post_to: Callable[[World], str] | None = None
    path: str | None = None  # for unnamed regex patterns
    public_check: Callable | None = None  # PUBLIC: what the public page does with bad input
    bodies: dict[str, Any] = field(default_factory=dict)  # /v1/ bodies per method
    roles: tuple[RoleCheck, ...] = ()
    reason: str = ""


def customer_kw(w):
    return [{"customer_uuid": w.customer.uuid}]


def shared_kw(w):
    return [{"customer_uuid": w.shared_customer.uuid}]


def api_shared(w):
    return [{"customer_id": w.shared_customer.tenant_id}]


def api_customer(w):
    return [{"customer_id": w.customer.tenant_id}, {"customer_id": w.gcc_customer.tenant_id}]


def detail_of(w):
    return reverse("validation:detail", args=[w.validation_request.uuid])


def still_info_requested(w):
    return ValidationRequest.objects.get(pk=w.validation_request.pk).status == "info_requested"


MANAGE_USERS = REFUSALS[Action.MANAGE_USERS]
NOT_ADMIN_ROLES = (Role.ADMIN_AGENT, Role.SALES_AGENT, Role.HELPDESK_AGENT)


def a_notification(w) -> list[dict]:
    """A portal notification of partner A's global admin (the bell): its own, nobody else's."""
    from django.utils import timezone

    from ops.models import PortalNotification

    notification, _ = PortalNotification.objects.get_or_create(
        user=w.a.global_admin,
        key="sweep:notification",
        defaults={
            "title": f"Order completed for {w.customer.company_name}",
            "link": reverse("customers:detail", args=[w.customer.uuid]),
            "created_at": timezone.now(),
        },
    )
    return [{"pk": notification.pk}]


def a_document(w) -> list[dict]:
    """An evidence document of partner A's customer validation request."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from validation.evidence import evidence_attach

    document = w.validation_request.documents.first()
    if document is None:
        pdf = SimpleUploadedFile("alphaisol-charter.pdf", b"%PDF-1.7 sweep", "application/pdf")
        [document] = evidence_attach(
            validation_request=w.validation_request, files=[pdf], via="form"
        )
    return [{"request_uuid": w.validation_request.uuid, "document_id": document.pk}]


def manage_users_refused(*methods, data=None):
    return tuple(
        RoleCheck(role, method, 403, MANAGE_USERS, data=data)
        for role in NOT_ADMIN_ROLES
        for method in methods
    )


def helpdesk_refused(*methods, message=None, data=None):
    return tuple(
        RoleCheck(Role.HELPDESK_AGENT, method, 403, message, data=data) for method in methods
    )


def api_helpdesk_refused(method, body, role=Role.HELPDESK_AGENT):
    return (RoleCheck(role, method, 403, data=body),)


BILLING = {
    "email": "it@alphaisolcounty.example.gov",
    "companyName": "Alphaisol County Clerk",
    "defaultAddress": {
        "firstName": "Ana",
        "lastName": "Ruiz",
        "addressLine1": "100 Main St",
        "city": "Austin",
        "state": "TX",
        "postalCode": "78701",
        "country": "US",
        "phoneNumber": "+1 512 555 0100",
    },
}
GCC_VALIDATION = {
    "organizationName": "Alphaisol County Clerk",
    "tenantId": str(uuid.UUID(int=1)),
    "entityType": "state_local",
    "jurisdiction": "Alphaisol County",
    "contactName": "Casey Morgan",
    "contactEmail": "clerk@alphaisolcounty.gov",
    "contactPhone": "+1 402 555 0100",
    "attested": True,
}
E3_OFFER_ID = "0556dcd2-3e9b-5bba-ad99-2537d6181e7b"  # Office 365 E3 (the catalog migration)


def order_body(w):
    return {"lineItems": [{"lineItemNumber": 0, "offerId": E3_OFFER_ID, "quantity": 3}]}


def cart_body(w):
    return {"lineItems": [{"catalogItemId": E3_OFFER_ID, "quantity": 3}]}


def qualification_body(w):
    return {"qualification": "GovernmentCommunityCloud", "validationCode": w.code.validation_id}


# --- Public pages: what they do with a token that is not theirs to honour --------------------


def _tampered(token: str) -> str:
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


def check_contact_answer(client: Client, w: World, pattern: UrlPattern):
    """The customer contact's answer link: the signed token is the capability."""
    good = client.get(build_path(pattern, {"token": w.answer_token}))
    assert good.status_code == 200
    assert w.validation_request.info_request_message in good.content.decode()
    for bad in ("not-a-token", _tampered(w.answer_token), w.invitation_token):
        path = build_path(pattern, {"token": bad})
        for response in (client.get(path), client.post(path, {"response": "Hello"})):
            # The portal's refusal for a link that doesn't check out: 400 "link not valid".
            assert response.status_code == 400, (bad, response.status_code)
            assert not w.leaks(text_of(response), sent=path), bad
    assert still_info_requested(w)


def check_invitation(client: Client, w: World, pattern: UrlPattern):
    """The reseller relationship invitation: the signed token is the capability; answering
    needs a customer admin's sign-in."""
    good_path = build_path(pattern, {"token": w.invitation_token})
    good = client.get(good_path)
    assert good.status_code == 200
    assert w.a.partner.name in good.content.decode()  # who invites: the point of the page
    forged = signing.Signer(salt=LINK_SALT).sign_object(
        {"r": w.relationship_request.uuid.hex, "p": w.b.partner.pk}
    )
    for bad in ("not-a-token", _tampered(w.invitation_token), w.answer_token, forged):
        path = build_path(pattern, {"token": bad})
        for response in (client.get(path), client.post(path, {"decision": "accept"})):
            assert response.status_code == 400, (bad, response.status_code)
            assert not w.leaks(text_of(response), sent=path), bad
    # Signed in as another partner's agent with the real link: refused, nothing answered.
    client.force_login(w.b.global_admin)
    refused = client.post(good_path, {"decision": "accept"})
    assert refused.status_code == 403
    rr = RelationshipRequest.objects.get(pk=w.relationship_request.pk)
    assert rr.status == "pending"


def check_healthz(client: Client, w: World, pattern: UrlPattern):
    """The load balancer's probe: service status only."""
    response = client.get(build_path(pattern))
    assert response.status_code in (200, 503)
    assert response.json()["status"] in ("ok", "unavailable")
    assert not w.leaks(text_of(response))


def check_login(client: Client, w: World, pattern: UrlPattern):
    response = client.get(build_path(pattern))
    assert response.status_code == 200
    assert 'name="password"' in response.content.decode()
    assert not w.leaks(text_of(response))


def check_password_reset(client: Client, w: World, pattern: UrlPattern):
    """Anyone may ask; the answer is the same for any address and shows nothing of an account."""
    path = build_path(pattern)
    assert 'name="email"' in client.get(path).content.decode()
    for email in (w.a.agents[Role.GLOBAL_ADMIN].email, "nobody@example.test"):
        response = client.post(path, {"email": email})
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")


def check_password_reset_page(client: Client, w: World, pattern: UrlPattern):
    response = client.get(build_path(pattern))
    assert response.status_code == 200
    assert not w.leaks(text_of(response))


def check_password_reset_confirm(client: Client, w: World, pattern: UrlPattern):
    """A made-up or tampered link opens nothing: no password form."""
    for uid, token in (("MQ", "set-password"), ("xx", "bad-token"), ("MQ", "c1ab2c-0000")):
        response = client.get(build_path(pattern, {"uidb64": uid, "token": token}), follow=True)
        assert response.status_code == 200
        assert 'name="new_password1"' not in response.content.decode()
        assert not w.leaks(text_of(response))


def check_logout(client: Client, w: World, pattern: UrlPattern):
    path = build_path(pattern)
    assert client.get(path).status_code == 405  # signing out is a POST
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == resolve_url(settings.LOGOUT_REDIRECT_URL)


def check_set_language(client: Client, w: World, pattern: UrlPattern):
    """Anyone may pick a language (a cookie); it changes nobody's profile but the signer's."""
    path = build_path(pattern)
    assert client.get(path).status_code == 405  # a POST from the switcher
    response = client.post(path, {"language": "es", "next": "/help/eligibility/"})
    assert response.status_code == 302 and response["Location"] == "/help/eligibility/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"
    off_site = client.post(path, {"language": "es", "next": "https://evil.test/"})
    assert off_site["Location"] == "/"


def check_passkey_ceremony(client: Client, w: World, pattern: UrlPattern):
    """django-otp-webauthn's JSON endpoints: nothing for someone not signed in (passwordless
    sign-in is off; registering needs an account), whatever the method."""
    path = build_path(pattern)
    for response in (client.get(path), client.post(path, {}, content_type="application/json")):
        assert response.status_code == 403
        assert response.json()["detail"]
        assert not w.leaks(text_of(response))


def check_api_public(status: int):
    def check(client: Client, w: World, pattern: UrlPattern, path: str):
        response = client.get(path)
        assert response.status_code == status
        assert not w.leaks(text_of(response), sent=path)

    return check


TABLE: dict[str, Page] = {
    # --- Public --------------------------------------------------------------------------------
    "healthz": Page(
        PUBLIC,
        public_check=check_healthz,
        reason="uptime probe for the load balancer: service status only, no session",
    ),
    "login": Page(PUBLIC, public_check=check_login, reason="the sign-in page itself"),
    "logout": Page(PUBLIC, public_check=check_logout, reason="signing out (POST) needs no account"),
    "set_language": Page(
        PUBLIC, public_check=check_set_language, reason="the language switcher, signed in or not"
    ),
    "password_reset": Page(
        PUBLIC, public_check=check_password_reset, reason="asking for a reset link: forgot it"
    ),
    "admin_password_reset": Page(
        PUBLIC, public_check=check_password_reset, reason="the reviewers' 'forgot password'"
    ),
    "password_reset_done": Page(
        PUBLIC, public_check=check_password_reset_page, reason="'check your email'"
    ),
    "password_reset_confirm": Page(
        PUBLIC,
        public_check=check_password_reset_confirm,
        reason="the emailed link is the capability",
    ),
    "password_reset_complete": Page(
        PUBLIC, public_check=check_password_reset_page, reason="'sign in with the new password'"
    ),
    "validation:contact_answer": Page(
        PUBLIC,
        public_check=check_contact_answer,
        reason="the emailed answer link of a customer contact, who has no account: the signed "
        "token (request + question) is the capability",
    ),
    "admin_center:invitation": Page(
        PUBLIC,
        public_check=check_invitation,
        reason="the emailed reseller relationship link: the signed token (request + partner) "
        "is the capability; answering needs a customer admin's sign-in on the page",
    ),
    "help:eligibility": Page(
        PUBLIC, public_check=check_password_reset_page, reason="the eligibility criteria (help)"
    ),
    "help:questions": Page(
        PUBLIC, public_check=check_password_reset_page, reason="the Questions page (help)"
    ),
    "passkeys:register_begin": Page(
        PUBLIC, public_check=check_passkey_ceremony, reason="a passkey ceremony (JSON)"
    ),
    "passkeys:register_complete": Page(
        PUBLIC, public_check=check_passkey_ceremony, reason="a passkey ceremony (JSON)"
    ),
    "passkeys:sign_in_begin": Page(
        PUBLIC, public_check=check_passkey_ceremony, reason="a passkey ceremony (JSON)"
    ),
    "passkeys:sign_in_complete": Page(
        PUBLIC, public_check=check_passkey_ceremony, reason="a passkey ceremony (JSON)"
    ),
    # --- Any signed-in user's own account ------------------------------------------------------
    "password_change": Page(ACCOUNT),
    "password_change_done": Page(ACCOUNT),
    # The second step of signing in: with nothing owed (no factor, not required), it sends on.
    "two_step": Page(ACCOUNT, owner_get=302),
    "security:page": Page(ACCOUNT),
    "security:enrol": Page(ACCOUNT),
    "security:authenticator": Page(ACCOUNT),
    "security:authenticator_qr": Page(ACCOUNT),
    "security:recovery_codes": Page(ACCOUNT, owner_get=302),  # none just issued
    "security:recovery_codes_regenerate": Page(
        ACCOUNT,
        post_only=True,
        owner_get=405,
        owner_post=302,
        owner_post_to=lambda w: reverse("security:recovery_codes"),
    ),
    # A sign-in method is its user's own: anyone else, A's global admin included, gets a 404
    # (a global admin resets a user's factors instead, partners:user_factors_reset).
    "security:sign_in_method_remove": Page(
        ACCOUNT,
        TENANT,
        fill=lambda w: [{"kind": "authenticator", "device_id": w.authenticator.pk}],
        post_only=True,
        owner_get=405,
        owner_post=404,
    ),
    # The bell: each signed-in user's own notifications (ops/notification_views.py); the count
    # is an htmx fragment. Another user's notification, A's own colleagues' included, is a 404.
    "notifications:list": Page(ACCOUNT),
    "notifications:badge": Page(ACCOUNT),
    "notifications:read_all": Page(
        ACCOUNT,
        post_only=True,
        owner_get=405,
        owner_post=302,
        owner_post_to=lambda w: reverse("notifications:list"),
    ),
    "notifications:read": Page(
        ACCOUNT,
        TENANT,
        fill=a_notification,
        post_only=True,
        owner_get=405,
        owner_post=302,
        owner_post_to=lambda w: reverse("customers:detail", args=[w.customer.uuid]),
    ),
    # --- Customer admin center -----------------------------------------------------------------
    "admin_center:home": Page(CUSTOMER_ADMIN, owner_shows=("A customer name", "A partner name")),
    # The customer's global admin removes one of its partners (the partner's Microsoft ID).
    "admin_center:partner_remove": Page(
        CUSTOMER_ADMIN,
        TENANT,  # another organization's admin gets a 404: tests/relationships
        fill=lambda w: [{"partner_tenant_id": w.a.partner.tenant_id}],
        owner_shows=("A partner name",),
    ),
    # --- Partner workspace ---------------------------------------------------------------------
    "home": Page(PARTNER, owner_shows=("A partner name",)),
    "profile": Page(PARTNER, owner_shows=("A partner name", "A partner tenant")),
    "partners:user_list": Page(
        PARTNER, owner_shows=("A sales agent",), roles=manage_users_refused("get")
    ),
    "partners:user_create": Page(PARTNER, roles=manage_users_refused("get", "post")),
    "partners:user_edit": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [{"public_id": w.a.agents[Role.SALES_AGENT].public_id}],
        data=lambda w: {"role": Role.ADMIN_AGENT},
        owner_shows=("A sales agent",),
        roles=manage_users_refused("get", "post", data={"role": Role.ADMIN_AGENT}),
    ),
    "partners:user_set_active": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [{"public_id": w.a.agents[Role.SALES_AGENT].public_id}],
        data=lambda w: {"active": "0"},
        post_only=True,
        anon_get_405=True,
        owner_get=405,
        owner_post=302,
        owner_post_to=lambda w: reverse("partners:user_list"),
        roles=manage_users_refused("post", data={"active": "0"}),
    ),
    "partners:user_factors_reset": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [{"public_id": w.a.agents[Role.SALES_AGENT].public_id}],
        post_only=True,
        anon_get_405=True,
        owner_get=405,
        owner_post=302,
        owner_post_to=lambda w: reverse(
            "partners:user_edit", args=[w.a.agents[Role.SALES_AGENT].public_id]
        ),
        roles=manage_users_refused("post"),
    ),
    "api_tokens:list": Page(PARTNER, owner_shows=("A token prefix",)),
    "api_tokens:revoke": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [{"token_id": w.api_token.pk}],
        post_only=True,
        owner_get=405,
        owner_post=302,
        owner_post_to=lambda w: reverse("api_tokens:list"),
    ),
    "customers:list": Page(PARTNER, owner_shows=("A customer name", "A GCC customer name")),
    # Streamed CSV: the sweep reads no streaming body (tests/customers/test_customer_day_two.py
    # checks what it holds, and that partner B's export has none of A's customers).
    "customers:export": Page(PARTNER),
    "customers:edit": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [{"customer_uuid": w.customer.uuid}, {"customer_uuid": w.gcc_customer.uuid}],
        owner_shows=("A customer name", "A customer tenant"),
        roles=tuple(
            RoleCheck(
                Role.SALES_AGENT,
                method,
                403,
                role_refusal(Action.EDIT_CUSTOMER).message,
                data={"company_name": "Renamed by a sales agent"},
                unchanged=lambda w: (
                    Customer.objects.get(pk=w.customer.pk).company_name == w.customer.company_name
                ),
            )
            for method in ("get", "post")
        ),
    ),
    "orders:relationship_remove": Page(
        PARTNER,
        TENANT,
        fill=customer_kw,
        owner_shows=("A customer name",),
        roles=tuple(
            RoleCheck(
                role,
                method,
                403,
                REFUSALS[Action.REMOVE_RELATIONSHIP],
                data={},
                unchanged=lambda w: w.customer.relationships.filter(partner=w.a.partner).exists(),
            )
            for role in (Role.SALES_AGENT, Role.HELPDESK_AGENT)
            for method in ("get", "post")
        ),
    ),
    "orders:new_customer": Page(
        PARTNER,
        # B posts A's validation code: an invalid choice, nothing created.
        data=lambda w: {
            "company_name": "Bravoisol Stolen Code County",
            "domain_prefix": "bravoisolstolen",
            "address_line": "1 Main St",
            "city": "Lincoln",
            "state": "NE",
            "postal_code": "68508",
            "contact_name": "Casey Morgan",
            "contact_email": "it@bravoisolstolen.gov",
            "contact_phone": "+1 402 555 0100",
            "agreement_accepted": "on",
            "special_qualification": "GovernmentCommunityCloud",
            "validation_code": w.code.pk,
        },
        b_post=400,
        roles=helpdesk_refused("get", "post"),
    ),
    "customers:detail": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [{"customer_uuid": w.customer.uuid}, {"customer_uuid": w.gcc_customer.uuid}],
        shared=shared_kw,
        owner_shows=("A customer name", "A customer tenant"),
    ),
    "relationships:list": Page(PARTNER, owner_shows=("A relationship request uuid",)),
    "relationships:new": Page(
        PARTNER,
        roles=(
            RoleCheck(
                Role.HELPDESK_AGENT,
                "get",
                403,
                role_refusal(Action.REQUEST_RELATIONSHIP).message,
            ),
            RoleCheck(
                Role.HELPDESK_AGENT,
                "post",
                403,
                role_refusal(Action.REQUEST_RELATIONSHIP).message,
                data={},
                unchanged=lambda w: (
                    not RelationshipRequest.objects.filter(
                        created_by=w.a.agents[Role.HELPDESK_AGENT]
                    ).exists()
                ),
            ),
        ),
    ),
    "relationships:detail": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [{"request_uuid": w.relationship_request.uuid}],
        owner_shows=("A invitation token",),
    ),
    "validation:partner_new": Page(
        PARTNER,
        # Partner A already holds GCC: its own admin is refused for that reason, not its role.
        owner_get=403,
        # The same form posted again shows the first request: by submission key, per partner.
        data=lambda w: {"submission_key": w.partner_request.submission_key},
        owner_post=302,
        owner_post_to=lambda w: (
            reverse("validation:detail", args=[w.partner_request.uuid]) + "?submitted=1"
        ),
        b_post=403,
        roles=tuple(
            RoleCheck(role, method, 403, REFUSALS[Action.SUBMIT_PARTNER_VALIDATION], data={})
            for role in (Role.SALES_AGENT, Role.HELPDESK_AGENT)
            for method in ("get", "post")
        ),
    ),
    "customers:validation_new": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [{}],
        query=lambda w: {"customer": w.customer.uuid},
        data=lambda w: {"submission_key": w.validation_request.submission_key},
        owner_shows=("A customer name",),
        roles=tuple(
            RoleCheck(
                Role.HELPDESK_AGENT,
                method,
                403,
                role_refusal(Action.SUBMIT_CUSTOMER_VALIDATION).message,
                data={},
            )
            for method in ("get", "post")
        ),
    ),
    "validation:detail": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [
            {"request_uuid": w.validation_request.uuid},
            {"request_uuid": w.partner_request.uuid},
        ],
        owner_shows=("A validation request question",),
    ),
    "validation:answer": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [{"request_uuid": w.validation_request.uuid}],
        data=lambda w: {"response": "The county's IT office funds it."},
        post_only=True,
        anon_get_405=True,
        owner_get=405,
        owner_post=302,
        owner_post_to=detail_of,
        roles=(
            # Refused by a message on the request's page; the review stays paused.
            RoleCheck(
                Role.HELPDESK_AGENT,
                "post",
                302,
                data={"response": "Helpdesk cannot answer."},
                redirect=detail_of,
                unchanged=still_info_requested,
            ),
        ),
    ),
    # The Resubmit link: A's request is still under review, so A's own admin is told only a
    # rejected request can be resubmitted (409); B gets a 404.
    "validation:resubmit": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [
            {"request_uuid": w.validation_request.uuid},
            {"request_uuid": w.partner_request.uuid},
        ],
        owner_get=409,
        roles=(
            RoleCheck(
                Role.HELPDESK_AGENT,
                "get",
                403,
                role_refusal(Action.SUBMIT_CUSTOMER_VALIDATION).message,
            ),
        ),
    ),
    # An evidence document's download (a file response: no markers to read in its body).
    "validation:document": Page(PARTNER, TENANT, fill=a_document),
    "validation:requests": Page(
        PARTNER, owner_shows=("A partner request org", "A validation request uuid")
    ),
    "validation:codes": Page(PARTNER, owner_shows=("A validation code id",)),
    "orders:list": Page(
        PARTNER,
        TENANT,
        fill=customer_kw,
        shared=shared_kw,
        owner_shows=("A customer name", "A order uuid"),
        shared_owner_shows=("A order on the shared customer",),
    ),
    "orders:create": Page(
        PARTNER,
        TENANT,
        fill=customer_kw,
        data=lambda w: {"submission_key": w.order.submission_key},
        owner_shows=("A customer name",),
        roles=tuple(
            RoleCheck(Role.HELPDESK_AGENT, method, 403, data={}) for method in ("get", "post")
        ),
    ),
    "orders:detail": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [{"customer_uuid": w.customer.uuid, "order_uuid": w.order.uuid}],
        mixed=lambda w: [
            {"customer_uuid": w.b_customer.uuid, "order_uuid": w.order.uuid},
            {"customer_uuid": w.shared_customer.uuid, "order_uuid": w.shared_order.uuid},
        ],
        owner_shows=("A customer name",),
    ),
    "orders:subscriptions": Page(
        PARTNER,
        TENANT,
        fill=customer_kw,
        shared=shared_kw,
        owner_shows=("A customer name",),
        shared_owner_shows=("A subscription name on the shared customer",),
    ),
    "orders:subscription": Page(
        PARTNER,
        TENANT,
        fill=lambda w: [
            {"customer_uuid": w.customer.uuid, "subscription_uuid": w.subscription.uuid}
        ],
        # B's own customers (the shared one included) with A's subscription: still a 404.
        mixed=lambda w: [
            {"customer_uuid": w.b_customer.uuid, "subscription_uuid": w.subscription.uuid},
            {
                "customer_uuid": w.shared_customer.uuid,
                "subscription_uuid": w.shared_subscription.uuid,
            },
        ],
        data=lambda w: {"action": "suspend"},
        owner_shows=("A customer name",),
        roles=(
            RoleCheck(
                Role.HELPDESK_AGENT,
                "post",
                403,
                data={"action": "suspend"},
                unchanged=lambda w: (
                    Subscription.objects.get(pk=w.subscription.pk).status == "active"
                ),
            ),
        ),
    ),
    "orders:new_customer_subscriptions": Page(
        PARTNER, owner_get=302, roles=helpdesk_refused("get", "post", data={})
    ),
    "orders:new_customer_review": Page(
        PARTNER,
        owner_get=302,
        # A's order's submission key: the owner is shown its order, B is not.
        data=lambda w: {"submission_key": w.order.submission_key},
        owner_post=302,
        owner_post_to=lambda w: reverse("orders:detail", args=[w.customer.uuid, w.order.uuid]),
        b_post=302,
        b_post_to=lambda w: reverse("orders:new_customer"),
        roles=helpdesk_refused("get", "post", data={}),
    ),
    "orders:new_customer_cancel": Page(
        PARTNER,
        post_only=True,
        anon_get_405=True,
        owner_get=405,
        data=lambda w: {},
        owner_post=302,
        owner_post_to=lambda w: reverse("customers:list"),
    ),
    # Add customer's code search: B searching A's validation ID finds none of A's codes.
    "orders:validation_code_options": Page(
        PARTNER,
        query=lambda w: {"code_search": w.code.validation_id},
        owner_shows=("A GCC customer name",),
        roles=helpdesk_refused("get"),
    ),
    # --- /v1/ ----------------------------------------------------------------------------------
    "api-schema": Page(
        PUBLIC,
        public_check=check_api_public(200),
        reason="the OpenAPI document (SERVE_PERMISSIONS AllowAny): routes, no partner data",
    ),
    "api-docs": Page(
        PUBLIC,
        public_check=check_api_public(200),
        reason="the API docs page (Swagger UI over the public OpenAPI document)",
    ),
    "v1/^.*$": Page(
        PUBLIC,
        path="/v1/no/such/route",
        public_check=check_api_public(404),
        reason="any unknown /v1/ path: a JSON 404 for everyone, nothing behind it",
    ),
    "v1/customers": Page(
        API_TOKEN,
        owner_shows=("A customer tenant", "A GCC customer tenant"),
        roles=api_helpdesk_refused(
            "post",
            {
                "companyProfile": {"domain": "helpdeskisol.onmicrosoft.com"},
                "billingProfile": BILLING,
            },
        ),
    ),
    "v1/customers/all/validations": Page(API_TOKEN, owner_shows=("A validation code id",)),
    "v1/customers/relationshiprequests": Page(
        API_TOKEN,
        owner_shows=("A partner tenant",),
        roles=api_helpdesk_refused("get", None),
    ),
    "v1/customers/<str:customer_id>": Page(
        API_TOKEN, TENANT, fill=api_customer, owner_shows=("A customer name",)
    ),
    "v1/customers/<str:customer_id>/profiles/company": Page(
        API_TOKEN, TENANT, fill=api_customer, owner_shows=("A customer domain",)
    ),
    "v1/customers/<str:customer_id>/profiles/billing": Page(
        API_TOKEN,
        TENANT,
        fill=api_customer,
        bodies={"put": BILLING},
        owner_shows=("A customer name",),
        roles=api_helpdesk_refused("put", BILLING, role=Role.SALES_AGENT),
    ),
    "v1/customers/<str:customer_id>/validations": Page(
        API_TOKEN,
        TENANT,
        # The GCC customer first: it has a validation to show its owner.
        fill=lambda w: [
            {"customer_id": w.gcc_customer.tenant_id},
            {"customer_id": w.customer.tenant_id},
        ],
        bodies={"post": GCC_VALIDATION},
        owner_shows=("A validation code id",),
        roles=api_helpdesk_refused("post", GCC_VALIDATION),
    ),
    "v1/customers/<str:customer_id>/qualifications": Page(
        API_TOKEN,
        TENANT,
        fill=api_customer,
        bodies={"post": qualification_body},
        roles=api_helpdesk_refused("post", qualification_body),
    ),
    "v1/customers/<str:customer_id>/qualification": Page(
        API_TOKEN,
        TENANT,
        fill=api_customer,
        bodies={"put": "government_community_cloud"},
    ),
    "v1/customers/<str:customer_id>/offers": Page(API_TOKEN, TENANT, fill=api_customer),
    "v1/customers/<str:customer_id>/offercategories": Page(API_TOKEN, TENANT, fill=api_customer),
    "v1/customers/<str:customer_id>/relationships": Page(API_TOKEN, TENANT, fill=api_customer),
    "v1/customers/<str:customer_id>/carts": Page(
        API_TOKEN,
        TENANT,
        fill=api_customer,
        bodies={"post": cart_body},
        owner_get=405,  # Partner Center lists no carts: each is read by its id
        roles=api_helpdesk_refused("post", cart_body),
    ),
    "v1/customers/<str:customer_id>/carts/<str:cart_id>": Page(
        API_TOKEN,
        TENANT,
        fill=lambda w: [{"customer_id": w.customer.tenant_id, "cart_id": w.cart.uuid}],
        mixed=lambda w: [{"customer_id": w.b_customer.tenant_id, "cart_id": w.cart.uuid}],
        bodies={"put": cart_body},
        owner_shows=("A customer tenant",),
        roles=api_helpdesk_refused("put", cart_body),
    ),
    "v1/customers/<str:customer_id>/carts/<str:cart_id>/checkout": Page(
        API_TOKEN,
        TENANT,
        fill=lambda w: [{"customer_id": w.customer.tenant_id, "cart_id": w.cart.uuid}],
        mixed=lambda w: [{"customer_id": w.b_customer.tenant_id, "cart_id": w.cart.uuid}],
        owner_get=405,
        roles=api_helpdesk_refused("post", None),
    ),
    "v1/customers/<str:customer_id>/orders": Page(
        API_TOKEN,
        TENANT,
        fill=api_customer,
        bodies={"post": order_body},
        shared=api_shared,
        owner_shows=("A order uuid",),
        shared_owner_shows=("A order on the shared customer",),
        roles=api_helpdesk_refused("post", order_body),
    ),
    "v1/customers/<str:customer_id>/orders/<str:order_id>": Page(
        API_TOKEN,
        TENANT,
        fill=lambda w: [{"customer_id": w.customer.tenant_id, "order_id": w.order.uuid}],
        mixed=lambda w: [
            {"customer_id": w.b_customer.tenant_id, "order_id": w.order.uuid},
            {"customer_id": w.shared_customer.tenant_id, "order_id": w.shared_order.uuid},
        ],
        owner_shows=("A order uuid", "A subscription uuid"),
    ),
    "v1/customers/<str:customer_id>/orders/<str:order_id>/provisioningstatus": Page(
        API_TOKEN,
        TENANT,
        fill=lambda w: [{"customer_id": w.customer.tenant_id, "order_id": w.order.uuid}],
        mixed=lambda w: [
            {"customer_id": w.b_customer.tenant_id, "order_id": w.order.uuid},
            {"customer_id": w.shared_customer.tenant_id, "order_id": w.shared_order.uuid},
        ],
    ),
    "v1/customers/<str:customer_id>/subscriptions/<str:subscription_id>/provisioningstatus": Page(
        API_TOKEN,
        TENANT,
        fill=lambda w: [
            {"customer_id": w.customer.tenant_id, "subscription_id": w.subscription.uuid}
        ],
        mixed=lambda w: [
            {"customer_id": w.b_customer.tenant_id, "subscription_id": w.subscription.uuid},
            {
                "customer_id": w.shared_customer.tenant_id,
                "subscription_id": w.shared_subscription.uuid,
            },
        ],
    ),
    "v1/customers/<str:customer_id>/subscriptions": Page(
        API_TOKEN,
        TENANT,
        fill=api_customer,
        shared=api_shared,
        owner_shows=("A subscription uuid",),
        shared_owner_shows=("A subscription on the shared customer",),
    ),
    "v1/customers/<str:customer_id>/subscriptions/<str:subscription_id>": Page(
        API_TOKEN,
        TENANT,
        fill=lambda w: [
            {"customer_id": w.customer.tenant_id, "subscription_id": w.subscription.uuid}
        ],
        mixed=lambda w: [
            {"customer_id": w.b_customer.tenant_id, "subscription_id": w.subscription.uuid},
            {
                "customer_id": w.shared_customer.tenant_id,
                "subscription_id": w.shared_subscription.uuid,
            },
        ],
        bodies={"patch": {"quantity": 8}},
        owner_shows=("A subscription uuid",),
        roles=api_helpdesk_refused("patch", {"quantity": 8}),
    ),
    "v1/domains/<str:domain>": Page(
        API_TOKEN,
        GLOBAL,
        fill=lambda w: [{"domain": w.customer.domain}],
        reason="a domain names one tenant whoever manages it: Partner Center's availability "
        "check answers 200 (taken) or 404 (free) with no body, to every partner",
    ),
    "v1/relationships": Page(
        API_TOKEN, query=lambda w: {"relationship_type": "IsIndirectCloudSolutionProviderOf"}
    ),
    "v1/offers": Page(
        API_TOKEN, GLOBAL, reason="the offer catalog is Microsoft's, the same for all"
    ),
    "v1/offercategories": Page(
        API_TOKEN, GLOBAL, reason="the offer catalog is Microsoft's, the same for all"
    ),
    "v1/offers/<str:offer_id>": Page(
        API_TOKEN,
        GLOBAL,
        fill=lambda w: [{"offer_id": E3_OFFER_ID}],
        reason="the offer catalog is Microsoft's, the same for all",
    ),
}

PATTERNS = url_patterns()
ADMIN_PATTERNS = [p for p in PATTERNS if p.area == ADMIN]
SWEPT = [p for p in PATTERNS if p.area != ADMIN and p.key in TABLE]


def _ids(patterns):
    return [p.key for p in patterns]


def _where(access=None, scope=None, roles=False):
    return [
        p
        for p in SWEPT
        if (access is None or TABLE[p.key].access in access)
        and (scope is None or TABLE[p.key].scope == scope)
        and (not roles or TABLE[p.key].roles)
    ]


def sweep_counts() -> dict[str, int]:
    return {
        "portal": sum(p.area == PORTAL for p in PATTERNS),
        "/v1/": sum(p.area == API for p in PATTERNS),
        "admin": len(ADMIN_PATTERNS),
        "total": len(PATTERNS),
    }


# --- Helpers ---------------------------------------------------------------------------------


def fills(page: Page, w: World) -> list[dict]:
    return page.fill(w) if page.fill else [{}]


def request_for(pattern: UrlPattern, page: Page, w: World, kwargs: dict) -> str:
    path = build_path(pattern, kwargs, path=page.path)
    return with_query(path, page.query(w) if page.query else None)


def body_for(page: Page, w: World, method: str):
    body = page.bodies.get(method) if pattern_is_api(page) else page.data
    if callable(body):
        return body(w)
    return body


def pattern_is_api(page: Page) -> bool:
    return page.access == API_TOKEN


def portal(client: Client, method: str, path: str, data=None):
    if method == "get":
        return client.get(path)
    return client.post(path, data or {})


def assert_no_leak(w: World, response, sent: str, who: str):
    leaked = w.leaks(text_of(response), sent=sent)
    assert not leaked, f"{who} sees partner A's {leaked} at {sent}"


def login_redirect(path: str) -> str:
    return redirect_to_login(path).url


# --- The table covers the resolver -----------------------------------------------------------


def test_every_url_pattern_is_known_to_the_sweep():
    unknown = [
        f"teach the isolation sweep about {p.key} ({p.route})"
        for p in PATTERNS
        if p.area != ADMIN and p.key not in TABLE
    ]
    assert not unknown, "\n".join(unknown)
    keys = [p.key for p in PATTERNS]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    assert not twice, f"two URL patterns share a name or route, the sweep can't tell: {twice}"
    stale = sorted(set(TABLE) - {p.key for p in PATTERNS})
    assert not stale, f"the sweep's table names patterns that no longer exist: {stale}"
    for key, page in TABLE.items():
        if page.access == PUBLIC or page.scope == GLOBAL:
            assert page.reason, f"{key} is public or shared: say why in the table"


def test_sweep_covers_every_area():
    counts = sweep_counts()
    print(f"isolation sweep: {counts}")
    assert counts["portal"] and counts["/v1/"] and counts["admin"]
    assert len(SWEPT) + len(ADMIN_PATTERNS) == counts["total"]


# --- Anonymous -------------------------------------------------------------------------------


SIGNED_IN_ONLY = _where(access=(PARTNER, ACCOUNT, CUSTOMER_ADMIN))


@pytest.mark.parametrize("pattern", SIGNED_IN_ONLY, ids=_ids(SIGNED_IN_ONLY))
def test_anonymous_is_sent_to_sign_in(client, world, pattern):
    page = TABLE[pattern.key]
    for kwargs in fills(page, world):
        path = request_for(pattern, page, world, kwargs)
        get = client.get(path)
        if page.anon_get_405:
            assert get.status_code == 405
        else:
            assert get.status_code == 302, f"GET {path}: {get.status_code}"
            assert get["Location"] == login_redirect(path)
        post = client.post(path, body_for(page, world, "post") or {})
        assert post.status_code == 302, f"POST {path}: {post.status_code}"
        assert post["Location"] == login_redirect(path)
        assert login_redirect(path).startswith(resolve_url(settings.LOGIN_URL) + "?next=")


API_PRIVATE = _where(access=(API_TOKEN,))


@pytest.mark.parametrize("pattern", API_PRIVATE, ids=_ids(API_PRIVATE))
def test_api_without_a_valid_token_is_401(client, world, pattern):
    page = TABLE[pattern.key]
    tokens = {
        "no token": None,
        "garbage token": "gcc_not-a-real-token",
        "customer admin's token": world.customer_admin_token,  # stored, never valid
    }
    for kwargs in fills(page, world):
        path = request_for(pattern, page, world, kwargs)
        for method in api_methods(pattern):
            for label, token in tokens.items():
                response = api_call(
                    client, method, path, token=token, body=body_for(page, world, method)
                )
                assert response.status_code == 401, f"{label}: {method.upper()} {path}"
                assert response["WWW-Authenticate"] == 'Bearer realm="api"'
                assert_no_leak(world, response, path, label)


PUBLIC_PAGES = _where(access=(PUBLIC,))


@pytest.mark.parametrize("pattern", PUBLIC_PAGES, ids=_ids(PUBLIC_PAGES))
def test_public_pattern_leaks_nothing_to_a_stranger(client, world, pattern):
    page = TABLE[pattern.key]
    assert page.public_check is not None, f"{pattern.key}: public without a check"
    if pattern.area == API:
        page.public_check(client, world, pattern, build_path(pattern, path=page.path))
    else:
        page.public_check(client, world, pattern)


# --- Partner B with partner A's ids ----------------------------------------------------------


TENANT_PORTAL = _where(access=(PARTNER, ACCOUNT), scope=TENANT)


@pytest.mark.parametrize("pattern", TENANT_PORTAL, ids=_ids(TENANT_PORTAL))
def test_other_partner_gets_404(client, world, pattern):
    page = TABLE[pattern.key]
    client.force_login(world.b.global_admin)
    variants = fills(page, world) + (page.mixed(world) if page.mixed else [])
    for kwargs in variants:
        path = request_for(pattern, page, world, kwargs)
        get = client.get(path)
        assert get.status_code == (405 if page.post_only else 404), f"GET {path}"
        assert_no_leak(world, get, path, "partner B")
        post = client.post(path, body_for(page, world, "post") or {})
        assert post.status_code == 404, f"POST {path}: {post.status_code}"
        assert_no_leak(world, post, path, "partner B")
    assert_world_untouched(world)


OWN_PORTAL = _where(access=(PARTNER, ACCOUNT, CUSTOMER_ADMIN), scope=OWN)


@pytest.mark.parametrize("pattern", OWN_PORTAL, ids=_ids(OWN_PORTAL))
def test_other_partner_sees_none_of_a_on_its_own_pages(client, world, pattern):
    page = TABLE[pattern.key]
    client.force_login(world.b.global_admin)
    path = request_for(pattern, page, world, {})
    get = client.get(path)
    expected = 403 if page.access == CUSTOMER_ADMIN else page.owner_get
    assert get.status_code == expected, f"GET {path}: {get.status_code}"
    assert_no_leak(world, get, path, "partner B")
    if page.data and page.b_post is not None:
        data = page.data(world)
        post = client.post(path, data)
        assert post.status_code == page.b_post, f"POST {path}: {post.status_code}"
        if page.b_post_to:
            assert post["Location"] == page.b_post_to(world)
        assert_no_leak(world, post, path, "partner B")
    assert_world_untouched(world)


TENANT_API = _where(access=(API_TOKEN,), scope=TENANT)


@pytest.mark.parametrize("pattern", TENANT_API, ids=_ids(TENANT_API))
def test_other_partner_token_gets_404(client, world, pattern):
    page = TABLE[pattern.key]
    token = world.b.tokens[Role.GLOBAL_ADMIN]
    variants = fills(page, world) + (page.mixed(world) if page.mixed else [])
    for kwargs in variants:
        path = request_for(pattern, page, world, kwargs)
        for method in api_methods(pattern):
            response = api_call(
                client, method, path, token=token, body=body_for(page, world, method)
            )
            assert response.status_code == 404, f"{method.upper()} {path}: {response.content}"
            assert_no_leak(world, response, path, "partner B's token")
    assert_world_untouched(world)


OWN_OR_GLOBAL_API = [p for p in _where(access=(API_TOKEN,)) if TABLE[p.key].scope != TENANT]


@pytest.mark.parametrize("pattern", OWN_OR_GLOBAL_API, ids=_ids(OWN_OR_GLOBAL_API))
def test_other_partner_token_sees_none_of_a_on_lists(client, world, pattern):
    page = TABLE[pattern.key]
    path = request_for(pattern, page, world, fills(page, world)[0])
    response = api_call(client, "get", path, token=world.b.tokens[Role.GLOBAL_ADMIN])
    assert response.status_code == 200, f"GET {path}: {response.content[:300]}"
    assert_no_leak(world, response, path, "partner B's token")
    if pattern.key == "v1/domains/<str:domain>":
        assert response.content == b""  # taken or free, nothing more


SHARED = [p for p in SWEPT if TABLE[p.key].shared]


@pytest.mark.parametrize("pattern", SHARED, ids=_ids(SHARED))
def test_shared_customer_shows_each_partner_only_its_own(client, world, pattern):
    page = TABLE[pattern.key]
    b_token, a_token = world.b.tokens[Role.GLOBAL_ADMIN], world.a.tokens[Role.GLOBAL_ADMIN]
    for kwargs in page.shared(world):
        path = request_for(pattern, page, world, kwargs)
        if page.access == API_TOKEN:
            b_response = api_call(client, "get", path, token=b_token)
            a_response = api_call(client, "get", path, token=a_token)
        else:
            client.force_login(world.b.global_admin)
            b_response = client.get(path)
            client.force_login(world.a.global_admin)
            a_response = client.get(path)
        assert b_response.status_code == 200, f"partner B GET {path}"
        assert_no_leak(world, b_response, path, "partner B (shared customer)")
        assert a_response.status_code == 200, f"partner A GET {path}"
        for marker in page.shared_owner_shows:
            assert world.markers[marker] in text_of(a_response), f"{marker} missing from {path}"


def test_other_partner_cannot_change_a_subscription_of_a_shared_customer(world):
    """The service's own guard, behind the views' 404: B manages the customer, not A's order."""
    with refused(RefusalCode.NOT_YOUR_SUBSCRIPTION) as caught:
        subscription_update(
            actor=world.b.global_admin, subscription=world.shared_subscription, status="suspended"
        )
    assert caught.value.message == NOT_YOUR_SUBSCRIPTION
    # The control: A's own agent may.
    changed = subscription_update(
        actor=world.a.global_admin, subscription=world.shared_subscription, status="suspended"
    )
    assert changed.subscription.status == "suspended"


def assert_world_untouched(w: World):
    """Nothing partner B did changed partner A's objects."""
    assert still_info_requested(w)
    assert RelationshipRequest.objects.get(pk=w.relationship_request.pk).status == "pending"
    assert w.api_token.__class__.objects.get(pk=w.api_token.pk).revoked_at is None
    assert (
        w.a.agents[Role.SALES_AGENT]
        .__class__.objects.get(pk=w.a.agents[Role.SALES_AGENT].pk)
        .is_active
    )
    for original in (w.subscription, w.shared_subscription):
        sub = original.__class__.objects.get(pk=original.pk)
        assert (sub.quantity, sub.status) == (original.quantity, original.status)
    customer = Customer.objects.get(pk=w.customer.pk)
    assert customer.company_name == w.customer.company_name
    assert not w.customer.special_qualifications.exists()
    assert ResellerQualification.objects.filter(partner=w.a.partner).count() == 1


# --- Positive control: partner A's own agent, same ids ---------------------------------------


OWNER_PORTAL = _where(access=(PARTNER, ACCOUNT))


@pytest.mark.parametrize("pattern", OWNER_PORTAL, ids=_ids(OWNER_PORTAL))
def test_owner_gets_the_page(client, world, pattern):
    page = TABLE[pattern.key]
    client.force_login(world.a.global_admin)
    for index, kwargs in enumerate(fills(page, world)):
        path = request_for(pattern, page, world, kwargs)
        response = client.get(path)
        assert response.status_code == page.owner_get, f"GET {path}: {response.status_code}"
        shown = text_of(response)
        for marker in page.owner_shows if index == 0 else ():  # markers of the first fill
            assert world.markers[marker] in shown, f"{marker} missing from {path}"
    if page.owner_post is not None:
        response = client.post(path, page.data(world) if page.data else {})
        assert response.status_code == page.owner_post, f"POST {path}: {response.status_code}"
        if page.owner_post_to:
            assert response["Location"] == page.owner_post_to(world)


def test_customer_admin_gets_the_admin_center(client, world):
    page = TABLE["admin_center:home"]
    client.force_login(world.customer_admin)
    response = client.get(reverse("admin_center:home"))
    assert response.status_code == 200
    for marker in page.owner_shows:
        assert world.markers[marker] in text_of(response), marker


OWNER_API = [p for p in _where(access=(API_TOKEN,))]


@pytest.mark.parametrize("pattern", OWNER_API, ids=_ids(OWNER_API))
def test_owner_token_gets_the_resource(client, world, pattern):
    page = TABLE[pattern.key]
    token = world.a.tokens[Role.GLOBAL_ADMIN]
    for index, kwargs in enumerate(fills(page, world)):
        path = request_for(pattern, page, world, kwargs)
        response = api_call(client, "get", path, token=token)
        if page.owner_get != 200:  # a write-only route (a cart's checkout): no GET at all
            assert response.status_code == page.owner_get, f"GET {path}"
            continue
        if pattern.key.endswith("/validations") and index > 0:
            # The commercial customer was never GCC-validated: the API's own "not found".
            assert response.status_code == 404
            assert response.json()["code"] != 60003  # not "customer not found"
            continue
        assert response.status_code == 200, f"GET {path}: {response.content[:300]}"
        for marker in page.owner_shows if index == 0 else ():  # markers of the first fill
            assert world.markers[marker] in text_of(response), f"{marker} missing from {path}"


# --- Roles within a partner ------------------------------------------------------------------


ROLE_PAGES = _where(roles=True)


@pytest.mark.parametrize("pattern", ROLE_PAGES, ids=_ids(ROLE_PAGES))
def test_role_may_not(client, world, pattern):
    page = TABLE[pattern.key]
    kwargs = fills(page, world)[0]
    path = request_for(pattern, page, world, kwargs)
    for check in page.roles:
        agent = world.a.agents[check.role]
        data = check.data(world) if callable(check.data) else check.data
        if page.access == API_TOKEN:
            response = api_call(
                client, check.method, path, token=world.a.tokens[check.role], body=data
            )
            assert response.status_code == check.status, (
                f"{check.role} {check.method.upper()} {path}: {response.content[:300]}"
            )
            assert response.json()["code"] == 900150  # the API's "your role may not"
        else:
            client.force_login(agent)
            response = portal(client, check.method, path, data)
            assert response.status_code == check.status, (
                f"{check.role} {check.method.upper()} {path}: {response.status_code}"
            )
            if check.message is not None:
                assert response.context["message"] == check.message
            if check.redirect is not None:
                assert response["Location"] == check.redirect(world)
        if check.unchanged is not None:
            assert check.unchanged(world), f"{check.role} changed something at {path}"
    assert_world_untouched(world)


PARTNER_PAGES = _where(access=(PARTNER,))


@pytest.mark.parametrize("pattern", PARTNER_PAGES, ids=_ids(PARTNER_PAGES))
def test_customer_admin_is_kept_out_of_the_partner_workspace(client, world, pattern):
    page = TABLE[pattern.key]
    client.force_login(world.customer_admin)
    for kwargs in fills(page, world):
        path = request_for(pattern, page, world, kwargs)
        get = client.get(path)
        if page.anon_get_405:
            assert get.status_code == 405
        else:
            assert get.status_code == 302, f"GET {path}: {get.status_code}"
            assert get["Location"] == reverse("admin_center:home")
        post = client.post(path, body_for(page, world, "post") or {})
        assert post.status_code == 302, f"POST {path}: {post.status_code}"
        assert post["Location"] == reverse("admin_center:home")
    assert_world_untouched(world)


def test_partner_agents_are_refused_the_admin_center(client, world):
    for agent in (world.a.global_admin, world.b.global_admin):
        client.force_login(agent)
        response = client.get(reverse("admin_center:home"))
        assert response.status_code == 403
        assert world.customer.company_name not in text_of(response)
    assert not world.leaks(text_of(response))  # partner B's agent: nothing of A's


# --- /admin/: reviewers and ops only ---------------------------------------------------------

PREFERRED = {
    "customers.customer": lambda w: w.customer,
    "relationships.relationshiprequest": lambda w: w.relationship_request,
    "validation.validationrequest": lambda w: w.validation_request,
    "validation.validationcode": lambda w: w.code,
    "partners.partner": lambda w: w.a.partner,
    "partners.user": lambda w: w.a.agents[Role.SALES_AGENT],
    "partners.resellerqualification": lambda w: w.a.partner.qualifications.get(),
    "auth.group": lambda w: w.reviewer.groups.get(),
}


def _admin_model(pattern: UrlPattern):
    parts = pattern.route.split("/")
    if len(parts) > 3:
        try:
            return django_apps.get_model(parts[1], parts[2])
        except (LookupError, ValueError):
            return None
    return None


def admin_path(pattern: UrlPattern, w: World) -> str:
    """An /admin/ pattern filled from its model: partner A's object where there is one."""
    model = _admin_model(pattern)
    obj = None
    if model is not None:
        preferred = PREFERRED.get(model._meta.label_lower)
        obj = preferred(w) if preferred else model.objects.order_by("pk").first()
    pk = obj.pk if obj is not None else 1
    kwargs = {}
    for name in pattern.converters or {}:
        if name in ("object_id", "id", "pk"):
            kwargs[name] = pk
        elif name == "content_type_id":
            kwargs[name] = ContentType.objects.get_for_model(Customer).pk
        elif name == "document_id":  # a request's evidence document (ValidationRequestAdmin)
            kwargs[name] = a_document(w)[0]["document_id"]
    if "content_type_id" in kwargs:
        kwargs["object_id"] = w.customer.pk
    if "(?P<app_label>" in pattern.route:
        kwargs["app_label"] = "partners"
    if "(?P<url>" in pattern.route:  # the admin's catch-all
        return build_path(pattern, path="/admin/no-such-admin-page/")
    args = ()
    if "^([^/]+)/history/([^/]+)/$" in pattern.route:
        history = model.history.filter(pk=pk).order_by("history_id").first()
        args = (pk, history.history_id if history else 1)
    return build_path(pattern, kwargs, args)


ADMIN_PUBLIC = {"admin:login": "the reviewers' sign-in page"}


ADMIN_PRIVATE = [p for p in ADMIN_PATTERNS if p.key not in ADMIN_PUBLIC]


@pytest.mark.parametrize("pattern", ADMIN_PATTERNS, ids=_ids(ADMIN_PATTERNS))
def test_admin_refuses_partner_agents_customer_admins_and_anonymous(client, world, pattern):
    path = admin_path(pattern, world)
    admin_login = reverse("admin:login")
    for who in (world.a.global_admin, world.customer_admin, None):
        client.logout()
        if who is not None:
            client.force_login(who)
        for method in ("get", "post") if who is world.a.global_admin else ("get",):
            label = f"{who or 'anonymous'} {method.upper()} {path}"
            if pattern.key == "admin:login":  # the form, not the admin
                response = getattr(client, method)(path)
                assert response.status_code == 200, label
                assert 'name="password"' in response.content.decode(), label
                continue
            # Every hop is a redirect (RedirectViews and logout hop within /admin/ first),
            # ending at the admin's sign-in page; nothing on the way is a page.
            hops, url = [], path
            for _ in range(3):
                response = getattr(client, method if not hops else "get")(url)
                assert response.status_code == 302, f"{label}: {response.status_code} at {url}"
                assert not world.leaks(text_of(response), sent=url), label
                hops.append(url)
                url = response["Location"]
                if urlsplit(url).path == admin_login:
                    break
            assert urlsplit(url).path == admin_login, f"{label} goes {hops} -> {url}"
    assert_world_untouched(world)


@pytest.mark.parametrize("pattern", ADMIN_PRIVATE, ids=_ids(ADMIN_PRIVATE))
def test_admin_positive_control_ops_gets_in(client, world, pattern):
    client.force_login(world.superuser)
    path = admin_path(pattern, world)
    response = client.get(path, follow=True)
    assert response.request["PATH_INFO"] != reverse("admin:login"), path
    assert response.status_code < 500, f"{path}: {response.status_code}"


# --- The second factor: until enrolled, nothing else (partners/middleware.py) -----------------

OPEN_AT_ENROLMENT = {
    "logout",
    "set_language",
    "two_step",
    "security:enrol",
    "security:authenticator",
    "security:authenticator_qr",
    "security:recovery_codes",
    "admin:logout",
}
HELD = [
    p for p in _where(access=(PARTNER, ACCOUNT, CUSTOMER_ADMIN)) if p.key not in OPEN_AT_ENROLMENT
]


@pytest.mark.parametrize("pattern", HELD, ids=_ids(HELD))
def test_a_partner_user_without_a_second_factor_is_held_at_enrolment(
    client, world, pattern, settings
):
    settings.GCC_MFA_REQUIRED = True
    page = TABLE[pattern.key]
    client.force_login(world.a.global_admin)
    enrol = reverse("security:enrol")
    for kwargs in fills(page, world):
        path = request_for(pattern, page, world, kwargs)
        for method in ("get", "post"):
            response = portal(client, method, path, body_for(page, world, "post"))
            assert response.status_code == 302, f"{method.upper()} {path}: {response.status_code}"
            assert response["Location"].startswith(enrol + "?next="), path
    assert_world_untouched(world)


ADMIN_HELD = [p for p in ADMIN_PRIVATE if p.key not in OPEN_AT_ENROLMENT]


@pytest.mark.parametrize("pattern", ADMIN_HELD, ids=_ids(ADMIN_HELD))
def test_a_reviewer_without_a_second_factor_is_held_at_enrolment(client, world, pattern, settings):
    settings.GCC_MFA_REQUIRED = True
    client.force_login(world.reviewer)
    path = admin_path(pattern, world)
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code == 302, f"{method.upper()} {path}: {response.status_code}"
        assert response["Location"].startswith(reverse("security:enrol") + "?next="), path
    assert_world_untouched(world)
