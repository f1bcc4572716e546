"""Forgot password: Django's reset views and tokens, with the email sent through the outbox
(ops.notifications: recorded with the request, sent after commit by a worker) and throttled.

The page answers the same whether the address has an account or not (Django's form sends
nothing for an unknown one). A link works once (the token covers the password hash and the last
sign-in) and expires after ``PASSWORD_RESET_TIMEOUT``. At most
``GCC_PASSWORD_RESET_EMAILS_PER_HOUR`` reset emails go to one account in an hour; asking more
often sends nothing more, and the page says the same. Setting the new password ends every
session of the account (Django checks sessions against the password hash).
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.translation import ngettext

from lib.i18n import language_of
from ops.models import EmailNotification
from ops.notifications import notify_on_commit

logger = logging.getLogger(__name__)

TEMPLATE = "password_reset"


def _lifetime_in_words() -> str:
    minutes = settings.PASSWORD_RESET_TIMEOUT // 60
    if minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(hours)s hour", "%(hours)s hours", hours) % {"hours": hours}
    return ngettext("%(minutes)s minute", "%(minutes)s minutes", minutes) % {"minutes": minutes}


def reset_link_lifetime() -> str:
    """``PASSWORD_RESET_TIMEOUT`` in words, for the pages and the email: lazy, so the pages'
    ``extra_context`` (built once, in gccportal/urls.py) reads in each reader's language."""
    return _lazy_lifetime()


_lazy_lifetime = lazy(_lifetime_in_words, str)


def _recent_reset_emails(user) -> int:
    since = timezone.now() - timedelta(hours=1)
    return EmailNotification.objects.filter(
        key__startswith=f"password-reset:{user.pk}:", created_at__gte=since
    ).count()


class PasswordResetRequestForm(PasswordResetForm):
    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs):
        user, to_email = context["user"], context["email"]
        if _recent_reset_emails(user) >= settings.GCC_PASSWORD_RESET_EMAILS_PER_HOUR:
            logger.warning("password reset for user %s not sent: throttled", user.pk)
            return
        path = reverse(
            "password_reset_confirm", kwargs={"uidb64": context["uid"], "token": context["token"]}
        )
        language = language_of(user)
        with translation.override(language):
            valid_for = str(reset_link_lifetime())  # the email's context is JSON
        notify_on_commit(
            key=f"password-reset:{user.pk}:{uuid.uuid4().hex}",
            template=TEMPLATE,
            to=[to_email],
            context={
                "language": language,
                "username": user.get_username(),
                "reset_path": path,
                "valid_for": valid_for,
            },
        )
