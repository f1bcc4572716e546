"""How long a signed-in session lasts, and what a signed-in page may leave behind.

``SessionLimitsMiddleware`` (after ``AuthenticationMiddleware``) signs a user out:

- after ``GCC_SESSION_IDLE_MINUTES`` without a request (idle timeout), and
- ``GCC_SESSION_MAX_HOURS`` after the sign-in, active or not (absolute lifetime; the session
  cookie's own age is the same, ``SESSION_COOKIE_AGE``);

then sends them back to the same address, whose door sends them to its sign-in page, which
says why. Activity is written to the session at most
once a minute (``ACTIVITY_RESOLUTION``), not on every request. Every page served to a signed-in
user carries ``Cache-Control: no-store`` (nothing of it kept by the browser or a proxy).

Signing out everywhere on a password change needs nothing here: Django checks each session
against a hash of the password, so the other sessions end with the change.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponseRedirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import ngettext

SIGNED_IN_AT = "gcc_signed_in_at"
LAST_SEEN = "gcc_last_seen"
ACTIVITY_RESOLUTION = 60  # seconds
# Probes never read the session: with the database down, /healthz must still answer its 503.
SESSIONLESS_PATHS = {"/healthz"}


def start_session_clocks(sender, request, user, **kwargs) -> None:
    """``user_logged_in``'s receiver (connected in partners/apps.py): the clocks start at the
    sign-in, saved with it, so the next request has nothing to write."""
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = request.session[LAST_SEEN] = time.time()


def _ended_because(session, now: float) -> str | None:
    signed_in_at = session.setdefault(SIGNED_IN_AT, now)
    last_seen = session.get(LAST_SEEN, signed_in_at)
    if now - signed_in_at > settings.GCC_SESSION_MAX_HOURS * 3600:
        hours = settings.GCC_SESSION_MAX_HOURS
        return ngettext(  # the English says "hours" even for one, as it always has
            "You were signed out: a session lasts at most %(hours)s hours. Sign in again.",
            "You were signed out: a session lasts at most %(hours)s hours. Sign in again.",
            hours,
        ) % {"hours": hours}
    if now - last_seen > settings.GCC_SESSION_IDLE_MINUTES * 60:
        minutes = settings.GCC_SESSION_IDLE_MINUTES
        return ngettext(  # the English says "minutes" even for one, as it always has
            "You were signed out after %(minutes)s minutes without activity. Sign in again.",
            "You were signed out after %(minutes)s minutes without activity. Sign in again.",
            minutes,
        ) % {"minutes": minutes}
    return None


class SessionLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info in SESSIONLESS_PATHS:
            return self.get_response(request)
        signed_in = request.user.is_authenticated
        if signed_in:
            now = time.time()
            if reason := _ended_because(request.session, now):
                logout(request)  # a new, empty session: the message below survives in it
                messages.info(request, reason)
                # The same address again, signed out: its door sends them to its own sign-in
                # (the portal's, or the reviewers' /admin/ one), which shows the message.
                return HttpResponseRedirect(request.get_full_path())
            if now - request.session.get(LAST_SEEN, 0) >= ACTIVITY_RESOLUTION:
                request.session[LAST_SEEN] = now
        response = self.get_response(request)
        user = request.user  # the view may have signed someone in (or DRF set None)
        if signed_in or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
