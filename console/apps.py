from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """The operators' view across the apps: /healthz, `gcc_status`, the demo data."""

    name = "console"
    verbose_name = "Operations console"
