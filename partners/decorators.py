from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect


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
