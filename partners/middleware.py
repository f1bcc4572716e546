"""Holds a signed-in session at the second factor until it has passed one (partners/factors.py).

Right after the password, a user who has a sign-in method is sent to the two-step page, and one
who must have one and hasn't (``GCC_MFA_REQUIRED``) to enrolment; every other page, the
reviewers' /admin/ included, answers with that redirect until then. The pages of the two steps
themselves, sign-out and the passkey ceremonies stay open. /v1/ authenticates by API token, not
by session, so it is not held here, nor are the probes (``lib.sessions.SESSIONLESS_PATHS``).

A session that began before a global admin reset the user's factors
(``User.sessions_revoked_at``) is ended, whatever the page.
"""

from django.contrib import messages
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from lib.sessions import SESSIONLESS_PATHS, SIGNED_IN_AT

from .factors import Owed, owed

OPEN_WHILE_OWED = {
    "two_step",
    "logout",
    "set_language",
    "security:authenticator",
    "security:authenticator_qr",
    "security:recovery_codes",
    "security:enrol",
    "admin:logout",
}
OPEN_NAMESPACES = {"passkeys"}
TOKEN_AUTHENTICATED_PREFIX = "/v1/"


class SecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        path = request.path_info
        if path in SESSIONLESS_PATHS or path.startswith(TOKEN_AUTHENTICATED_PREFIX):
            return None  # never read the session (or the user) here
        user = request.user
        if not user.is_authenticated:
            return None
        revoked_at = user.sessions_revoked_at
        if revoked_at and request.session.get(SIGNED_IN_AT, 0) < revoked_at.timestamp():
            logout(request)
            messages.info(
                request, _("Your sign-in methods were reset. Sign in and set one up again.")
            )
            return redirect("login")
        match = request.resolver_match
        if match.view_name in OPEN_WHILE_OWED or OPEN_NAMESPACES & set(match.namespaces):
            return None
        step = owed(request)
        if step is None:
            return None
        target = reverse("two_step" if step == Owed.VERIFY else "security:enrol")
        return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
