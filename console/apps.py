from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ConsoleConfig(AppConfig):
    """The operators' view across the apps: /healthz, `gcc_status`, the demo data."""

    name = "console"
    verbose_name = gettext_lazy("Operations console")
