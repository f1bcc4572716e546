from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy


class ApiConfig(AppConfig):
    name = "api"
    label = "api"
    verbose_name = gettext_lazy("Partner Center-shaped API")

    def ready(self):
        from .receivers import revoke_tokens_after_user_save

        post_save.connect(
            revoke_tokens_after_user_save,
            sender=settings.AUTH_USER_MODEL,
            dispatch_uid="api.revoke_tokens_after_user_save",
        )
