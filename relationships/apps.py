from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class RelationshipsConfig(AppConfig):
    """Reseller relationship requests: the partner's invitation and the customer admin center
    where the customer's global admin accepts it."""

    name = "relationships"
    verbose_name = gettext_lazy("Reseller relationships")
