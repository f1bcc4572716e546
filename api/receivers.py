"""A user's save revokes their API tokens when they were deactivated or their password changed
(connected in ``ApiConfig.ready``): whatever saved them, the portal, the Django admin or a shell.
"""

from .services import api_tokens_follow_agent

WATCHED_FIELDS = {"is_active", "password"}


def revoke_tokens_after_user_save(sender, instance, created, raw, update_fields=None, **kwargs):
    if created or raw:
        return  # a new user has no tokens; a fixture being loaded is taken as it is
    if update_fields is not None and not WATCHED_FIELDS & set(update_fields):
        return  # e.g. the last_login stamp of every sign-in
    api_tokens_follow_agent(instance)
