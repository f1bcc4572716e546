from . import permissions

# Which top menu a page belongs to, by its URL namespace (or name, without one). A view whose
# page belongs to either passes ``nav_section`` itself (a validation request: partner or
# customer).
NAV_SECTIONS = {
    "customers": "customers",
    "relationships": "customers",
    "orders": "customers",
    "partners": "settings",
    "security": "settings",
    "api_tokens": "settings",
    "profile": "settings",
    "password_change": "settings",
    "password_change_done": "settings",
    "validation:requests": "customers",
    "validation:codes": "customers",
    "validation:partner_new": "settings",
}


def _nav_section(request) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return ""
    return NAV_SECTIONS.get(match.view_name) or NAV_SECTIONS.get(match.namespace, "")


def workspace(request):
    """What the navigation needs: which actions the signed-in partner user may take, and the
    top menu the page is under."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or not user.partner_id:
        return {"nav_section_default": ""}
    return {
        "can": {action.value: permissions.allows(user, action) for action in permissions.Action},
        "nav_section_default": _nav_section(request),
    }
