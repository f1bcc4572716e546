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
    """True while the partner (and, for an indirect reseller, its provider) holds GCC."""
    wanted = ResellerQualificationKind.GOVERNMENT_COMMUNITY_CLOUD
    holders = [partner.pk]
    if partner.indirect_provider_id:
        holders.append(partner.indirect_provider_id)
    held = set(
        ResellerQualification.objects.filter(
            partner_id__in=holders, qualification=wanted
        ).values_list("partner_id", flat=True)
    )
    return held == set(holders)


def user_list(*, actor: User) -> QuerySet[User]:
    return User.objects.filter(partner_id=actor.partner_id).order_by("-is_active", "username")


def user_get(*, actor: User, public_id) -> User:
    return User.objects.get(partner_id=actor.partner_id, public_id=public_id)
