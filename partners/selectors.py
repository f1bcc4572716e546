"""Reads about partners, always scoped to the acting user's partner."""

from django.db.models import QuerySet

from .models import Partner, ResellerQualification, ResellerQualificationKind, User


def partner_get_profile(*, actor: User) -> Partner:
    return (
        Partner.objects.select_related("indirect_provider")
        .prefetch_related("qualifications", "indirect_resellers")
        .get(pk=actor.partner_id)
    )


def partner_holds_gcc(partner: Partner) -> bool:
    """True while the partner may transact GCC: its transacting partner holds
    ``Government_community_cloud`` (an indirect reseller sells GCC through its provider)."""
    return ResellerQualification.objects.filter(
        partner_id=partner.indirect_provider_id or partner.pk,
        qualification=ResellerQualificationKind.GOVERNMENT_COMMUNITY_CLOUD,
    ).exists()


def user_list(*, actor: User) -> QuerySet[User]:
    return User.objects.filter(partner_id=actor.partner_id).order_by("-is_active", "username")


def user_get(*, actor: User, public_id) -> User:
    return User.objects.get(partner_id=actor.partner_id, public_id=public_id)
