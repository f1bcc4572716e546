from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import factors, permissions
from .permissions import Action


def partner_user_required(view):
    """Signed in as a partner user. Reviewers and ops belong in /admin/, customer admins in the
    admin center, not the workspace."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.partner_id:
            if user.customer_id:
                return redirect("admin_center:home")
            if user.is_staff:
                return redirect("admin:index")
            raise PermissionDenied("This workspace is for partner users.")
        return view(request, *args, **kwargs)

    return wrapper


def role_not_allowed(request, action: Action):
    """The "your role may not" page: the action's refusal and the roles that may."""
    refusal = permissions.role_refusal(action)
    context = {"message": refusal.message, "roles": permissions.roles_allowed(action)}
    return render(request, "partners/not_allowed.html", context, status=refusal.status)


def role_required(action: Action):
    """A partner user's page that only roles allowed ``action`` may open (GET or POST); any
    other role gets the "your role may not" page, before the view reads anything."""

    def decorator(view):
        @partner_user_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not permissions.allows(request.user, action):
                return role_not_allowed(request, action)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def step_up(view):
    """A sensitive page: when the second factor was last used longer ago than
    ``GCC_MFA_STEP_UP_MINUTES``, confirm it first (the two-step page, then back here)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if factors.step_up_needed(request):
            return step_up_redirect(request, request.path)
        return view(request, *args, **kwargs)

    return wrapper


def step_up_redirect(request, back_to: str):
    """To the two-step page, which confirms the factor and sends the user ``back_to``."""
    messages.info(request, _("Confirm it's you: this action needs your second factor again."))
    return redirect(f"{reverse('two_step')}?{urlencode({'next': back_to, 'step_up': '1'})}")
