"""The sign-in of the three doors (the portal, the reviewers' admin, the customer admin center):
Django's forms with one guard added, and a per-username ceiling on top of django-axes.

django-axes locks one username from one client address (``AXES_LOCKOUT_PARAMETERS``; the address
is the real client's behind the trusted proxy, ``lib.forwarded.client_ip``), so a stranger can't
lock anybody out from elsewhere. That leaves guessing spread over many addresses, which the
per-username ceiling slows down (OWASP's "device cookies"):

- Every successful sign-in leaves a signed device cookie in that browser, naming the user (and
  bound to their password: changing it retires the cookies).
- Once a username has had more than ``GCC_SIGNIN_USERNAME_FAILURE_LIMIT`` failed sign-ins within
  ``GCC_SIGNIN_USERNAME_WINDOW_MINUTES``, from whatever addresses, an attempt without a valid
  device cookie for that username is refused with "try again in S seconds" (429) until
  ``GCC_SIGNIN_DELAY_SECONDS`` after the last failure, doubling with each further failure up to
  ``GCC_SIGNIN_DELAY_MAX_SECONDS``. Refused attempts don't check the password and don't count.
- An attempt with a valid device cookie is never held back by the ceiling, so the strangers'
  guessing can't keep the user out (the per-address lock still applies to it).

Failures are read from django-axes' failure log (``AXES_ENABLE_ACCESS_FAILURE_LOG``), in the
database, so every web process sees the same count. Nothing here sleeps: a sync worker must not
be held by a refused attempt.
"""

import math
from datetime import timedelta

from axes.helpers import get_cool_off
from axes.models import AccessFailureLog
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model, user_logged_in
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Max
from django.shortcuts import render
from django.utils import timezone

from .formfields import ErrorsDescribeTheirFields

DEVICE_COOKIE = "gcc_device"
DEVICE_SALT = "lib.signin.device-cookie"
DEVICES_PER_BROWSER = 5  # users remembered by one browser (shared desks)


class _NameLengthChecked:
    """Django's sign-in form sets the name's max length on the widget only, so a longer name
    reached authenticate() and django-axes, whose failed-attempt row (username: 255 characters)
    then failed to save: a 500 on PostgreSQL. Refuse it as the wrong name it is."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if len(username) > self.fields["username"].max_length:
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )
        return username


class SignInForm(_NameLengthChecked, AuthenticationForm):
    pass


class ReviewerSignInForm(ErrorsDescribeTheirFields, _NameLengthChecked, AdminAuthenticationForm):
    """templates/admin/login.html renders its fields by hand."""


# --- Device cookies -------------------------------------------------------------------------


def _password_binding(user) -> str:
    return user.get_session_auth_hash()[:20]


def _remembered(request) -> list[list[str]]:
    """The [username, password binding] pairs of the request's valid device cookie."""
    try:
        entries = signing.loads(
            request.COOKIES.get(DEVICE_COOKIE, ""),
            salt=DEVICE_SALT,
            max_age=timedelta(days=settings.GCC_SIGNIN_DEVICE_COOKIE_DAYS),
        )
    except signing.BadSignature:  # also expired, missing or malformed
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2]


def has_device_cookie(request, username: str) -> bool:
    bindings = [binding for name, binding in _remembered(request) if name == username]
    if not bindings:
        return False
    model = get_user_model()
    user = model._default_manager.filter(**{model.USERNAME_FIELD: username}).first()
    return user is not None and _password_binding(user) in bindings


def _remember_device(sender, request, user, **kwargs):
    """After a sign-in: the device cookie the response will carry (DeviceCookieMiddleware)."""
    if request is None:
        return
    username = user.get_username()
    others = [e for e in _remembered(request) if e[0] != username]
    entries = [[username, _password_binding(user)], *others][:DEVICES_PER_BROWSER]
    request.signin_device_cookie = signing.dumps(entries, salt=DEVICE_SALT, compress=True)


user_logged_in.connect(_remember_device, dispatch_uid="lib.signin.remember_device")


# --- The per-username ceiling ---------------------------------------------------------------


def seconds_to_wait(username: str, now=None) -> int:
    """How long a device-less sign-in for ``username`` is refused from now (0: it isn't)."""
    now = now or timezone.now()
    window = timedelta(minutes=settings.GCC_SIGNIN_USERNAME_WINDOW_MINUTES)
    failures = AccessFailureLog.objects.filter(username=username, attempt_time__gt=now - window)
    seen = failures.aggregate(count=Count("pk"), last=Max("attempt_time"))
    over = seen["count"] - settings.GCC_SIGNIN_USERNAME_FAILURE_LIMIT
    if over <= 0:
        return 0
    delay = min(
        settings.GCC_SIGNIN_DELAY_SECONDS * 2 ** min(over - 1, 32),
        settings.GCC_SIGNIN_DELAY_MAX_SECONDS,
    )
    left = (seen["last"] + timedelta(seconds=delay) - now).total_seconds()
    return math.ceil(left) if left > 0 else 0


class UsernameCeilingBackend:
    """An authentication backend between django-axes' and the one that checks passwords: refuses
    a device-less attempt while the username is over its ceiling (see the module docstring)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None or not username or has_device_cookie(request, username):
            return None
        wait = seconds_to_wait(username)
        if not wait:
            return None
        request.signin_wait_seconds = wait
        # Answered by the lockout page (AxesMiddleware); with this flag django-axes records
        # no failure for the refused attempt (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT off).
        request.axes_locked_out = True
        raise PermissionDenied("too many failed sign-ins for this username; wait")

    # No get_user(): it never signs anybody in, so no session names it (and the test client's
    # force_login, which picks the first backend with one, passes it by).


def lockout_response(request, original_response=None, credentials=None):
    """``AXES_LOCKOUT_CALLABLE``: the lockout page, for django-axes' lock (this username from
    this address) or for the per-username ceiling, with a Retry-After."""
    wait = getattr(request, "signin_wait_seconds", None)
    cool_off = get_cool_off(request)
    context = {"wait_seconds": wait, "cooloff_timedelta": cool_off}
    response = render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=429)
    response["Retry-After"] = str(wait or int(cool_off.total_seconds()))
    return response


class DeviceCookieMiddleware:
    """Sets the device cookie ``_remember_device`` prepared during a successful sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        value = getattr(request, "signin_device_cookie", None)
        if value:
            response.set_cookie(
                DEVICE_COOKIE,
                value,
                max_age=int(timedelta(days=settings.GCC_SIGNIN_DEVICE_COOKIE_DAYS).total_seconds()),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
