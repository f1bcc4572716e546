from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class OpsConfig(AppConfig):
    """The portal's plumbing the apps build on: the email outbox, heartbeats, queue probes and
    the audited admin."""

    name = "ops"
    label = "ops"
    verbose_name = gettext_lazy("Operations")
