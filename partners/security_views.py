"""The second factor's pages: the two-step sign-in (and step-up), enrolment, and Settings >
Security. The rules are in partners/factors.py; the passkey ceremonies in partners/passkeys.py."""

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.refusals import Refusal

from . import factors
from .forms import AuthenticatorConfirmForm, SecondFactorCodeForm
from .models import SecurityEvent
from .passkeys import NEW_RECOVERY_CODES


def _next(request) -> str:
    """Where to go once done: the ``next`` the page was given, if it is ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url("admin:index" if request.user.is_staff else settings.LOGIN_REDIRECT_URL)


def _layout(request) -> str:
    """The workspace's layout for a partner user who owes nothing; a plain one otherwise
    (reviewers and ops, and anyone still at the second step: the workspace isn't open yet)."""
    if request.user.is_partner_user and factors.owed(request) is None:
        return "layouts/portal.html"
    return "layouts/account.html"


def _held_at_verification(request) -> bool:
    """Adding a factor needs the existing one first: a password alone must not add one."""
    return factors.owed(request) == factors.Owed.VERIFY


def _with_next(request, name: str):
    return redirect(f"{reverse(name)}?{urlencode({'next': _next(request)})}")


@login_required
def two_step(request):
    step_up = request.GET.get("step_up") == "1" or request.POST.get("step_up") == "1"
    if factors.owed(request) is None and not step_up:
        return redirect(_next(request))
    kinds = {factors.kind_of(device) for device in factors.sign_in_methods(request.user)}
    if not kinds:
        return redirect("security:enrol")
    form = SecondFactorCodeForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                factors.code_verify(request, form.cleaned_data["code"])
            except Refusal as exc:
                form.add_error("code", exc.message)
                status = exc.status
            else:
                return redirect(_next(request))
        else:
            status = 400
    context = {
        "form": form,
        "next": _next(request),
        "step_up": step_up,
        "kinds": kinds,
        "recovery_codes_left": factors.recovery_codes_left(request.user),
    }
    return render(request, "registration/two_step.html", context, status=status)


@login_required
def enrol(request):
    if _held_at_verification(request):
        return redirect("two_step")
    if factors.has_sign_in_method(request.user):
        return redirect("security:page")
    return render(
        request,
        "partners/security/enrol.html",
        {
            "layout": _layout(request),
            "next": _next(request),
            "required": factors.second_factor_required(request.user),
        },
    )


@login_required
def authenticator(request):
    if _held_at_verification(request):
        return redirect("two_step")
    device = factors.authenticator_pending(request.user)
    form = AuthenticatorConfirmForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                codes = factors.authenticator_confirm(request, device, form.cleaned_data["code"])
            except Refusal as exc:
                form.add_error("code", exc.message)
                status = exc.status
            else:
                if codes:
                    request.session[NEW_RECOVERY_CODES] = codes
                    return _with_next(request, "security:recovery_codes")
                messages.success(request, _("Authenticator app added."))
                return redirect("security:page")
        else:
            status = 400
    secret = factors.authenticator_secret(device)
    context = {
        "layout": _layout(request),
        "form": form,
        "next": _next(request),
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
    }
    return render(request, "partners/security/authenticator.html", context, status=status)


@login_required
def authenticator_qr(request):
    """The pending authenticator's QR code, as an SVG image served by the portal."""
    if _held_at_verification(request):
        raise Http404
    device = factors.authenticator_pending(request.user)
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    response = HttpResponse(image.to_string(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@login_required
def recovery_codes(request):
    """The recovery codes just issued, shown once."""
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    if not codes:
        return redirect("security:page")
    return render(
        request,
        "partners/security/recovery_codes.html",
        {"layout": _layout(request), "codes": codes, "next": _next(request)},
    )


@login_required
@require_POST
def recovery_codes_regenerate(request):
    request.session[NEW_RECOVERY_CODES] = factors.recovery_codes_issue(request.user)
    return redirect("security:recovery_codes")


@login_required
def security_page(request):
    user = request.user
    return render(
        request,
        "partners/security/page.html",
        {
            "layout": _layout(request),
            "methods": [
                {"kind": factors.kind_of(device), "device": device}
                for device in factors.sign_in_methods(user)
            ],
            "recovery_codes_left": factors.recovery_codes_left(user),
            "required": factors.second_factor_required(user),
            "events": SecurityEvent.objects.filter(user=user).select_related("actor")[:10],
        },
    )


@login_required
@require_POST
def sign_in_method_remove(request, kind: str, device_id: int):
    try:
        factors.sign_in_method_remove(user=request.user, kind=kind, device_id=device_id)
    except ObjectDoesNotExist as exc:
        raise Http404("No such sign-in method on your account.") from exc
    except Refusal as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Sign-in method removed."))
    return redirect("security:page")
