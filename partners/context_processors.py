from . import permissions


def workspace(request):
    """What the navigation needs: which actions the signed-in partner user may take."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or not user.partner_id:
        return {}
    return {
        "can": {action.value: permissions.allows(user, action) for action in permissions.Action}
    }
