from django.apps import AppConfig


class RelationshipsConfig(AppConfig):
    """Reseller relationship requests: the partner's invitation and the customer admin center
    where the customer's global admin accepts it."""

    name = "relationships"
    verbose_name = "Reseller relationships"
