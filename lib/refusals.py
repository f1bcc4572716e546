"""The services' refusals: one vocabulary (``RefusalCode``) and one error type (``Refusal``).

The code names the rule that said no: the API picks its status and Partner Center code by it
(api.errors), pages and tests tell refusals apart by it. The message is only for the person, so
rewording it changes nothing else.
"""

from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop


class RefusalCode(StrEnum):
    # Who may
    ROLE_NOT_ALLOWED = "role_not_allowed"
    NOT_A_REVIEWER = "not_a_reviewer"
    NOT_CUSTOMER_ADMIN = "not_customer_admin"
    NOT_A_PARTNER_USER = "not_a_partner_user"
    # GCC standing of partners and customers
    PARTNER_NOT_GCC = "partner_not_gcc"
    PARTNER_ALREADY_GCC = "partner_already_gcc"
    NOT_DIRECT_BILL = "not_direct_bill"
    NOT_CSP_ENROLLED = "not_csp_enrolled"
    AZURE_GCC_TENANT_ID = "azure_gcc_tenant_id"
    WRONG_TENANT_ID = "wrong_tenant_id"
    CUSTOMER_NOT_GCC = "customer_not_gcc"
    CUSTOMER_ALREADY_GCC = "customer_already_gcc"
    # The review of validation requests
    REQUEST_ALREADY_OPEN = "request_already_open"
    VALIDATION_LIMIT_REACHED = "validation_limit_reached"
    ALREADY_DECIDED = "already_decided"
    REASON_REQUIRED = "reason_required"
    QUESTION_REQUIRED = "question_required"
    ANSWER_REQUIRED = "answer_required"
    NOT_STUCK = "not_stuck"
    # The intake forms' answers
    NOT_ATTESTED = "not_attested"
    GOVERNMENT_BASIS_REQUIRED = "government_basis_required"
    REGULATED_DATA_REQUIRED = "regulated_data_required"
    JURISDICTION_REQUIRED = "jurisdiction_required"
    # Validation codes
    CODE_REQUIRED = "code_required"
    CODE_UNKNOWN = "code_unknown"
    CODE_USED_UP = "code_used_up"
    # Customers
    NOT_YOUR_CUSTOMER = "not_your_customer"
    NOT_YOUR_RESELLER = "not_your_reseller"
    NOT_A_PROVIDER = "not_a_provider"
    DOMAIN_TAKEN = "domain_taken"
    UNKNOWN_QUALIFICATION = "unknown_qualification"
    CONTACT_PHONE_REQUIRED = "contact_phone_required"
    CUSTOMER_CHANGED = "customer_changed"
    NOT_YOUR_PARTNER = "not_your_partner"
    # Orders, subscriptions and the catalog
    EMPTY_CART = "empty_cart"
    DUPLICATE_OFFER = "duplicate_offer"
    UNKNOWN_OFFER = "unknown_offer"
    QUANTITY_OUT_OF_BOUNDS = "quantity_out_of_bounds"
    OFFER_RETIRED = "offer_retired"
    GCC_CUSTOMER_COMMERCIAL_OFFER = "gcc_customer_commercial_offer"
    ADDON_NEEDS_BASE = "addon_needs_base"
    FRIENDLY_NAME_INVALID = "friendly_name_invalid"
    NOT_YOUR_SUBSCRIPTION = "not_your_subscription"
    PARTNER_ID_UNKNOWN = "partner_id_unknown"
    PARTNER_ID_NOT_RESELLER = "partner_id_not_reseller"
    PARTNER_ID_OWN = "partner_id_own"
    ACTIVE_SUBSCRIPTIONS = "active_subscriptions"
    CART_ORDERED = "cart_ordered"
    CART_EXPIRED = "cart_expired"
    NOT_YOUR_CART = "not_your_cart"
    UNKNOWN_SUBSCRIPTION_STATUS = "unknown_subscription_status"
    SUBSCRIPTION_SUSPENDED = "subscription_suspended"
    SUBSCRIPTION_ENDED = "subscription_ended"
    TERM_NOT_OFFERED = "term_not_offered"
    CANCEL_WINDOW_CLOSED = "cancel_window_closed"
    OFFER_ROW_INVALID = "offer_row_invalid"
    # Emailed links (invitations, answers to a reviewer's question)
    LINK_INVALID = "link_invalid"
    LINK_EXPIRED = "link_expired"
    LINK_USED = "link_used"
    # Accounts and API tokens
    USERNAME_TAKEN = "username_taken"
    EMAIL_INVALID = "email_invalid"
    PASSWORD_TOO_WEAK = "password_too_weak"
    ACCOUNT_INVALID = "account_invalid"
    LAST_GLOBAL_ADMIN = "last_global_admin"
    CANNOT_DEACTIVATE_SELF = "cannot_deactivate_self"
    TOKEN_NAME_REQUIRED = "token_name_required"
    TOKEN_EXPIRY_INVALID = "token_expiry_invalid"
    TOKEN_EXPIRED = "token_expired"
    # The second factor
    SECOND_FACTOR_INVALID = "second_factor_invalid"
    SECOND_FACTOR_THROTTLED = "second_factor_throttled"
    LAST_SIGN_IN_FACTOR = "last_sign_in_factor"
    # Any free text
    NUL_IN_TEXT = "nul_in_text"
    # Resubmitting a rejected request
    NOT_REJECTED = "not_rejected"
    ALREADY_RESUBMITTED = "already_resubmitted"
    RESUBMISSION_MISMATCH = "resubmission_mismatch"
    # Evidence documents
    EVIDENCE_TYPE = "evidence_type"
    EVIDENCE_TOO_LARGE = "evidence_too_large"
    EVIDENCE_TOO_MANY = "evidence_too_many"


# The HTTP status a refusal answers by default (a door may answer its own, see api.errors);
# a code not listed is a 400.
STATUS: dict[RefusalCode, int] = {
    RefusalCode.ROLE_NOT_ALLOWED: 403,
    RefusalCode.NOT_A_REVIEWER: 403,
    RefusalCode.NOT_CUSTOMER_ADMIN: 403,
    RefusalCode.NOT_A_PARTNER_USER: 403,
    RefusalCode.NOT_YOUR_CUSTOMER: 404,
    RefusalCode.NOT_YOUR_PARTNER: 404,
    RefusalCode.NOT_YOUR_SUBSCRIPTION: 404,
    RefusalCode.NOT_YOUR_CART: 404,
    RefusalCode.PARTNER_ID_UNKNOWN: 404,
    RefusalCode.ACTIVE_SUBSCRIPTIONS: 409,
    RefusalCode.CART_ORDERED: 409,
    RefusalCode.CART_EXPIRED: 410,
    RefusalCode.PARTNER_ALREADY_GCC: 409,
    RefusalCode.CUSTOMER_ALREADY_GCC: 409,
    RefusalCode.REQUEST_ALREADY_OPEN: 409,
    RefusalCode.VALIDATION_LIMIT_REACHED: 429,
    RefusalCode.ALREADY_DECIDED: 409,
    RefusalCode.NOT_REJECTED: 409,
    RefusalCode.ALREADY_RESUBMITTED: 409,
    RefusalCode.DOMAIN_TAKEN: 409,
    RefusalCode.CUSTOMER_CHANGED: 409,
    RefusalCode.USERNAME_TAKEN: 409,
    RefusalCode.LINK_EXPIRED: 410,
    RefusalCode.LINK_USED: 410,
    RefusalCode.SECOND_FACTOR_THROTTLED: 429,
    RefusalCode.SUBSCRIPTION_ENDED: 409,
    RefusalCode.CANCEL_WINDOW_CLOSED: 409,
    RefusalCode.LAST_SIGN_IN_FACTOR: 409,
    RefusalCode.EVIDENCE_TOO_LARGE: 413,
}


class Refusal(Exception):
    """A rule said no.

    ``code`` names the rule; ``message`` is shown to the person; ``field`` names the form field;
    ``status`` is the HTTP status it answers by default; ``about`` is what was refused, for a
    door that shows more than the message (a role refusal's action, an invitation's request).
    """

    def __init__(self, code: RefusalCode, message: str, *, field: str | None = None, about=None):
        message = str(message)  # a lazy translation, in the language of whoever was refused
        super().__init__(message)
        self.code = RefusalCode(code)
        self.message = message
        self.field = field
        self.status = STATUS.get(self.code, 400)
        self.about = about

    def __reduce__(self):  # picklable (a worker's failure crosses processes)
        return type(self), (self.code, self.message), self.__dict__

    def __repr__(self) -> str:
        return f"Refusal({self.code.name}, {self.message!r})"


NUL_IN_TEXT = gettext_noop("Remove the null characters from this text.")


def refuse_nul(text: str, *, field: str | None = None) -> None:
    """Free text that reaches the database outside a Django form (which refuses NUL itself):
    PostgreSQL can't store a NUL character, so say so instead of failing with a 500."""
    if "\x00" in text:
        raise Refusal(RefusalCode.NUL_IN_TEXT, _(NUL_IN_TEXT), field=field)
