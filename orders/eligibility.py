"""The ordering gate: whether an offer may be sold to a customer, and if not, why. One place,
used by the pages (to show an offer disabled with its reason), by the order service (to
refuse a forged post) and by the API.

Partner Center's special-segment purchase rules (docs/reference/gcc-domain.md section 10): a
GCC offer needs a GCC-qualified customer and a partner holding Government_community_cloud (an
indirect reseller's indirect provider); a GCC customer is sold GCC offers only; a commercial
customer is never sold a GCC offer. Dynamics 365, EMS and Power BI government offers use the
same GCC validation: a customer validated for Office 365 GCC needs no other.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from lib.refusals import Refusal, RefusalCode
from partners.models import Partner
from partners.selectors import partner_holds_gcc
from validation.selectors import customer_holds_gcc

from .models import Offer, Subscription, SubscriptionStatus

RETIRED = gettext_noop("This offer is no longer sold.")
PARTNER_NOT_GCC = gettext_noop(
    "Your organization does not hold Government_community_cloud: GCC offers can't be ordered "
    "until its partner GCC validation is approved."
)
CUSTOMER_NOT_GCC = gettext_noop(
    "This customer is not validated for GCC: Government Community Cloud is not under its special "
    "qualifications (Account page). Submit a customer GCC validation request first."
)
GCC_CUSTOMER_COMMERCIAL = gettext_noop("A GCC customer can be sold GCC offers only.")


def needs_base_suite(offer: Offer) -> str:
    families = pgettext("joins a list: A or B", " or ").join(offer.requires_base_families)
    return _(
        "This add-on needs a base suite first: order a %(families)s offer with it or before it."
    ) % {"families": families}


@dataclass(frozen=True)
class PurchaseContext:
    """What the gate needs to know about who buys for whom."""

    partner_holds_gcc: bool
    customer_is_gcc: bool
    owned_families: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def for_customer(cls, *, partner: Partner, customer) -> "PurchaseContext":
        owned = Subscription.objects.filter(
            customer=customer, status=SubscriptionStatus.ACTIVE
        ).values_list("offer__product_family", flat=True)
        return cls(
            partner_holds_gcc=partner_holds_gcc(partner),
            customer_is_gcc=customer_holds_gcc(customer),
            owned_families=frozenset(owned),
        )

    @classmethod
    def for_new_customer(cls, *, partner: Partner, gcc: bool) -> "PurchaseContext":
        return cls(partner_holds_gcc=partner_holds_gcc(partner), customer_is_gcc=gcc)


def offer_refusal(
    offer: Offer, context: PurchaseContext, *, cart_families: frozenset[str] = frozenset()
) -> Refusal | None:
    """Why ``offer`` can't be ordered in ``context``, or None when it can."""
    if not offer.is_active:
        return Refusal(RefusalCode.OFFER_RETIRED, _(RETIRED))
    if offer.is_gcc:
        if not context.partner_holds_gcc:
            return Refusal(RefusalCode.PARTNER_NOT_GCC, _(PARTNER_NOT_GCC))
        if not context.customer_is_gcc:
            return Refusal(RefusalCode.CUSTOMER_NOT_GCC, _(CUSTOMER_NOT_GCC))
    elif context.customer_is_gcc:
        return Refusal(RefusalCode.GCC_CUSTOMER_COMMERCIAL_OFFER, _(GCC_CUSTOMER_COMMERCIAL))
    if offer.is_addon:
        available = context.owned_families | cart_families
        if not available.intersection(offer.requires_base_families):
            return Refusal(RefusalCode.ADDON_NEEDS_BASE, needs_base_suite(offer))
    return None
