"""The second factor: an authenticator app (TOTP), passkeys and security keys (WebAuthn) and
single-use recovery codes, for everyone who signs in to work.

The devices are django-otp's (``TOTPDevice``, ``StaticDevice`` for the recovery codes) and
django-otp-webauthn's (``WebAuthnCredential``); ``request.user.is_verified()`` (django-otp's
middleware) says the session passed one. What is ours is the rules:

- who must have one (``second_factor_required``: partner users, reviewers and ops, while
  ``GCC_MFA_REQUIRED`` is on) and what a signed-in session still owes (``owed``), which
  ``partners.middleware.SecondFactorMiddleware`` enforces on every page;
- a sign-in method (an authenticator or a passkey) can't be removed while it is the last one
  of a user who must have one; recovery codes are issued with the first and go with the last;
- step-up: the sensitive actions ask for the factor again when it was last used more than
  ``GCC_MFA_STEP_UP_MINUTES`` ago (``step_up_needed``);
- a global admin can reset a user's factors: they are removed, the user's sessions end, and
  they enrol again at their next sign-in;
- every change is a ``SecurityEvent``.
"""

import secrets
import time
from base64 import b32encode
from enum import StrEnum

import django_otp
from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from lib.refusals import Refusal, RefusalCode

from . import permissions
from .models import SecurityEvent, SecurityEventKind, User
from .permissions import Action

USED_AT = "gcc_second_factor_at"  # session key: when this session last passed a second factor
OWED = "gcc_second_factor_owed"  # session key: an Owed value, or "" once nothing is owed


class Owed(StrEnum):
    ENROL = "enrol"  # has no sign-in method and must have one
    VERIFY = "verify"  # has one and hasn't used it in this session


def second_factor_required(user: User) -> bool:
    return settings.GCC_MFA_REQUIRED and (user.is_partner_user or user.is_staff)


def sign_in_methods(user: User) -> list:
    """The user's confirmed authenticators and passkeys, oldest first."""
    authenticators = TOTPDevice.objects.filter(user=user, confirmed=True)
    passkeys = WebAuthnCredential.objects.filter(user=user, confirmed=True)
    return sorted([*authenticators, *passkeys], key=lambda device: device.created_at)


def has_sign_in_method(user: User) -> bool:
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def kind_of(device) -> str:
    return "authenticator" if isinstance(device, TOTPDevice) else "passkey"


def authenticator_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed in (base32)."""
    return b32encode(device.bin_key).decode()


def owed(request) -> Owed | None:
    """What this signed-in session still has to do before anything else. Worked out at the
    sign-in (``note_sign_in``) and kept in the session, so a page costs no query for it."""
    step = request.session.get(OWED)
    if step is None:  # a session from before the second factor existed
        step = request.session[OWED] = _owed(request.user)
    return Owed(step) if step else None


def _owed(user: User) -> str:
    if has_sign_in_method(user):
        return Owed.VERIFY
    if second_factor_required(user):
        return Owed.ENROL
    return ""


def note_sign_in(sender, request, user, **kwargs) -> None:
    """``user_logged_in``'s receiver (partners/apps.py): what the new session owes."""
    if request is not None and hasattr(request, "session"):
        request.session[OWED] = _owed(user)


def mark_used(request, device) -> None:
    """The session passed ``device``: verified (django-otp), and the step-up clock restarts."""
    django_otp.login(request, device)
    request.session[USED_AT] = time.time()
    request.session[OWED] = ""


def step_up_needed(request) -> bool:
    """A sensitive action must ask for the second factor again (see the module docstring).

    A user with no sign-in method (possible only while GCC_MFA_REQUIRED is off) has nothing to
    be asked for."""
    used_at = request.session.get(USED_AT, 0)
    if time.time() - used_at <= settings.GCC_MFA_STEP_UP_MINUTES * 60:
        return False
    return has_sign_in_method(request.user)


# --- Codes: an authenticator's, or a recovery code ------------------------------------------


def _normalized(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _refuse_throttled(device) -> None:
    allowed, data = device.verify_is_allowed()
    if not allowed:
        seconds = max(1, round((data["locked_until"] - timezone.now()).total_seconds()))
        raise Refusal(
            RefusalCode.SECOND_FACTOR_THROTTLED,
            ngettext(
                "Too many wrong codes. Wait %(seconds)s second, then try again.",
                "Too many wrong codes. Wait %(seconds)s seconds, then try again.",
                seconds,
            )
            % {"seconds": seconds},
            field="code",
        )


def code_verify(request, code: str):
    """Check a code typed by the signed-in user: six digits from one of their authenticator
    apps, or one of their recovery codes (used up by this). The device that took it."""
    user = request.user
    code = _normalized(code)
    if code.isdigit():
        candidates = TOTPDevice.objects.filter(user=user, confirmed=True)
    else:
        candidates = StaticDevice.objects.filter(user=user, confirmed=True)
    for device in candidates.select_for_update():
        _refuse_throttled(device)
        if device.verify_token(code):
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                _event(user, None, SecurityEventKind.RECOVERY_CODE_USED, f"{left} left")
            mark_used(request, device)
            return device
    raise Refusal(
        RefusalCode.SECOND_FACTOR_INVALID,
        _(
            "That code didn't work. Enter the current six-digit code from your authenticator "
            "app, or one of your recovery codes."
        ),
        field="code",
    )


# --- Enrolment ------------------------------------------------------------------------------


def authenticator_pending(user: User) -> TOTPDevice:
    """The authenticator app being set up (unconfirmed until a code from it is entered); its
    secret is shown only while it is pending."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    # The name is stored in English; the Security page translates it when it shows it.
    name = gettext_noop("Authenticator app")
    return device or TOTPDevice.objects.create(user=user, name=name, confirmed=False)


@transaction.atomic
def authenticator_confirm(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it. The recovery codes issued with
    it when it is the user's first sign-in method (shown once), else None."""
    user = request.user
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user, confirmed=False)
    _refuse_throttled(device)
    if not device.verify_token(_normalized(code)):
        raise Refusal(
            RefusalCode.SECOND_FACTOR_INVALID,
            _("That code didn't match. Enter the six-digit code your app shows now."),
            field="code",
        )
    first = not has_sign_in_method(user)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _event(user, user, SecurityEventKind.AUTHENTICATOR_ADDED)
    mark_used(request, device)
    return recovery_codes_issue(user) if first else None


def passkey_added(request, credential: WebAuthnCredential) -> list[str] | None:
    """After django-otp-webauthn saved a new passkey: the event, and the recovery codes when
    it is the user's first sign-in method."""
    user = request.user
    first = not sign_in_methods_other_than(user, credential)
    _event(user, user, SecurityEventKind.PASSKEY_ADDED)
    mark_used(request, credential)
    return recovery_codes_issue(user) if first else None


def sign_in_methods_other_than(user: User, device) -> list:
    return [d for d in sign_in_methods(user) if d.persistent_id != device.persistent_id]


def recovery_codes_issue(user: User) -> list[str]:
    """A new set of recovery codes; the old ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="Recovery codes", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [_recovery_code() for _i in range(settings.GCC_MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    _event(user, user, SecurityEventKind.RECOVERY_CODES_ISSUED, f"{len(codes)} codes")
    return [f"{code[:4]}-{code[4:8]}-{code[8:12]}-{code[12:]}" for code in codes]


def _recovery_code() -> str:
    """16 base32 characters (80 random bits), shown in groups of four."""
    return b32encode(secrets.token_bytes(10)).decode().lower()


def recovery_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# --- Removing and resetting -----------------------------------------------------------------


def _device_of(user: User, kind: str, device_id: int):
    model = {"authenticator": TOTPDevice, "passkey": WebAuthnCredential}.get(kind)
    if model is None:
        raise ObjectDoesNotExist(f"No sign-in method of kind {kind!r}.")
    return model.objects.select_for_update().get(pk=device_id, user=user, confirmed=True)


@transaction.atomic
def sign_in_method_remove(*, user: User, kind: str, device_id: int) -> None:
    """Remove one of the user's own authenticators or passkeys (ObjectDoesNotExist: not
    theirs)."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # one removal at a time
    device = _device_of(user, kind, device_id)
    if second_factor_required(user) and not sign_in_methods_other_than(user, device):
        raise Refusal(
            RefusalCode.LAST_SIGN_IN_FACTOR,
            _(
                "This is your only sign-in method, and your account must have one. Add another "
                "authenticator app or passkey first, then remove this one."
            ),
        )
    device.delete()
    _event(user, user, SecurityEventKind.FACTOR_REMOVED, device.name)
    if not has_sign_in_method(user):
        StaticDevice.objects.filter(user=user).delete()  # the recovery codes go with the last


@transaction.atomic
def factors_reset(*, actor: User, user: User) -> None:
    """A global admin removes all of a user's sign-in methods and recovery codes and ends their
    sessions; the user enrols again at their next sign-in."""
    permissions.require(actor, Action.MANAGE_USERS)
    user = User.objects.select_for_update().get(pk=user.pk, partner_id=actor.partner_id)
    for model in (TOTPDevice, WebAuthnCredential, StaticDevice):
        model.objects.filter(user=user).delete()
    user.sessions_revoked_at = timezone.now()
    user.save(update_fields=["sessions_revoked_at"])
    _event(user, actor, SecurityEventKind.FACTORS_RESET, f"by {actor.username}")


def _event(user: User, actor: User | None, kind: str, detail: str = "") -> None:
    SecurityEvent.objects.create(user=user, actor=actor, kind=kind, detail=detail[:200])
