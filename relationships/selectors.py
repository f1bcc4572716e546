"""Reads of the partner's indirect relationships, scoped to the acting user's partner: an
indirect provider's resellers, an indirect reseller's provider."""

from django.db.models import QuerySet

from partners.models import Partner, PartnerType, User


def indirect_reseller_list(*, actor: User) -> QuerySet[Partner]:
    """The indirect resellers of the actor's partner if it is an indirect provider (none
    otherwise): those it may name on a relationship request or a new customer."""
    if actor.partner.partner_type != PartnerType.INDIRECT_PROVIDER:
        return Partner.objects.none()
    return Partner.objects.filter(
        indirect_provider_id=actor.partner_id, partner_type=PartnerType.INDIRECT_RESELLER
    )


def indirect_provider_list(*, actor: User) -> QuerySet[Partner]:
    """The indirect provider the actor's partner resells for, if it is an indirect reseller
    (none otherwise)."""
    if not actor.partner.indirect_provider_id:
        return Partner.objects.none()
    return Partner.objects.filter(pk=actor.partner.indirect_provider_id)
