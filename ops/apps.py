from django.apps import AppConfig


class OpsConfig(AppConfig):
    """The portal's plumbing the apps build on: the email outbox, heartbeats, queue probes and
    the audited admin."""

    name = "ops"
    label = "ops"
    verbose_name = "Operations"
