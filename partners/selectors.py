"""Reads about partners, always scoped to the acting user's partner."""

from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from .models import Partner, PartnerType, ResellerQualification, ResellerQualificationKind, User


def partner_get_profile(*, actor: User) -> Partner:
    return (
        Partner.objects.select_related("indirect_provider")
        .prefetch_related("qualifications", "indirect_resellers")
        .get(pk=actor.partner_id)
    )


def partner_find(*, tenant_id, partner_type: str | None = None) -> Partner | None:
    """The partner with this Microsoft ID (and of this type), or None: for a partner a request
    names, e.g. an indirect reseller. Whether the actor may name it is the rule of the service
    the request goes to, not of this lookup."""
    partners = Partner.objects.filter(tenant_id=tenant_id)
    if partner_type is not None:
        partners = partners.filter(partner_type=partner_type)
    return partners.first()


def partner_holds_gcc(partner: Partner) -> bool:
    """True while the partner may transact GCC: its transacting partner holds
    ``Government_community_cloud`` (an indirect reseller sells GCC through its provider)."""
    return ResellerQualification.objects.filter(
        partner_id=partner.indirect_provider_id or partner.pk,
        qualification=ResellerQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
    ).exists()


def user_list(*, actor: User) -> QuerySet[User]:
    """The actor's organization's users, each with ``has_authenticator`` and ``has_passkey``
    (their second factors, for the global admin's view of who enrolled)."""
    return (
        User.objects.filter(partner_id=actor.partner_id)
        .annotate(
            has_authenticator=Exists(
                TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
            ),
            has_passkey=Exists(
                WebAuthnCredential.objects.filter(user=OuterRef("pk"), confirmed=True)
            ),
        )
        .order_by("-is_active", "username")
    )


def user_get(*, actor: User, public_id) -> User:
    return user_list(actor=actor).get(public_id=public_id)


def indirect_reseller_list(*, actor: User) -> QuerySet[Partner]:
    """The indirect resellers of the actor's partner if it is an indirect provider (none
    otherwise): those it may name on a relationship request or a new customer."""
    if actor.partner.partner_type != PartnerType.INDIRECT_PROVIDER:
        return Partner.objects.none()
    return Partner.objects.filter(
        indirect_provider_id=actor.partner_id, partner_type=PartnerType.INDIRECT_RESELLER
    )
