"""The accessibility sweep's plan: who sees each URL pattern, and the patterns that are not
pages (with the reason). The pages and their parameters are the isolation sweep's."""

from partners.models import Role

from ..security.sweep import ADMIN, API, UrlPattern, url_patterns
from ..security.test_isolation import ACCOUNT, ADMIN_PUBLIC, CUSTOMER_ADMIN, PARTNER, PUBLIC, TABLE

PARTNER_ROLES = (Role.GLOBAL_ADMIN, Role.ADMIN_AGENT, Role.SALES_AGENT, Role.HELPDESK_AGENT)

# Patterns that are not pages a person reads, and why.
NOT_PAGES = {
    "healthz": "JSON for the load balancer",
    "api-schema": "the OpenAPI document (YAML) the API docs page reads",
    "admin:jsi18n": "the admin's JavaScript catalog",
    "notifications:badge": "a fragment the bell loads (htmx): audited inside every page",
    "logout": "signing out: a POST from the sign-out button on every page",
    "admin:logout": "signing out of /admin/: a POST from its header",
    "set_language": "the language switcher's POST, on every page",
    "passkeys:register_begin": "JSON for the browser's passkey ceremony (WebAuthn)",
    "passkeys:register_complete": "JSON for the browser's passkey ceremony (WebAuthn)",
    "passkeys:sign_in_begin": "JSON for the browser's passkey ceremony (WebAuthn)",
    "passkeys:sign_in_complete": "JSON for the browser's passkey ceremony (WebAuthn)",
    "orders:validation_code_options": "the code search's <option>s (htmx), inside Add customer",
    "customers:export": "the customer book as a CSV file",
    "security:authenticator_qr": "the QR code image the enrolment page shows",
    "validation:document": "an evidence document, downloaded as the partner uploaded it",
    "admin:validation_validationrequest_document": "an evidence document, for the reviewer",
    "admin:otp_totp_totpdevice_qrcode": "an authenticator's QR code image",
}


def is_action(pattern: UrlPattern) -> bool:
    """POST-only actions (their forms are on the pages audited) and the JSON API."""
    page = TABLE.get(pattern.key)
    return pattern.area == API or bool(page and page.post_only) or pattern.key in NOT_PAGES


def who_sees(pattern: UrlPattern) -> tuple[str, ...]:
    """The people the sweep signs in as for ``pattern``: every role that can reach it."""
    if pattern.area == ADMIN:
        return ("anonymous",) if pattern.key in ADMIN_PUBLIC else ("reviewer",)
    access = TABLE[pattern.key].access
    return {
        PARTNER: PARTNER_ROLES,
        ACCOUNT: (*PARTNER_ROLES, "customer_admin"),
        CUSTOMER_ADMIN: ("customer_admin",),
        PUBLIC: ("anonymous",),
    }[access]


PATTERNS = url_patterns()
PAGES = [p for p in PATTERNS if not is_action(p)]
