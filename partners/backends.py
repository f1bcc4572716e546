from django.contrib.auth.backends import ModelBackend

from .models import User


class PartnerUserBackend(ModelBackend):
    """Django's ModelBackend, loading the signed-in user with its partner in one query: every
    workspace page reads both (the navigation names the partner)."""

    def get_user(self, user_id):
        try:
            user = User._default_manager.select_related("partner").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
