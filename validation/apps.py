from django.apps import AppConfig
from django.utils.translation import gettext_lazy


class ValidationConfig(AppConfig):
    name = "validation"
    verbose_name = gettext_lazy("GCC validation")
