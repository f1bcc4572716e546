from django.apps import AppConfig


class OpsConfig(AppConfig):
    """The portal's plumbing: the email outbox, heartbeats, /healthz and structured logs."""

    name = "gccportal.ops"
    label = "ops"
    verbose_name = "Operations"
