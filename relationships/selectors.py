"""Reads of the partner's indirect relationships, scoped to the acting user's partner: an
indirect provider's resellers, an indirect reseller's provider."""

from django.db.models import QuerySet

from partners.models import Partner, User


def indirect_provider_list(*, actor: User) -> QuerySet[Partner]:
    """The indirect provider the actor's partner resells for, if it is an indirect reseller
    (none otherwise)."""
    if not actor.partner.indirect_provider_id:
        return Partner.objects.none()
    return Partner.objects.filter(pk=actor.partner.indirect_provider_id)
