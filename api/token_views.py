"""The agent's own API tokens: Settings > API tokens."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext
from django.views.decorators.http import require_POST

from lib.error_summary import ControlError
from lib.refusals import Refusal
from partners import factors
from partners.decorators import partner_user_required, step_up_redirect

from . import services
from .models import ApiToken

# What this page shows of api.services and api.models, which keep the /v1/ API's English: the
# page translates these when it shows them (listed here so that makemessages finds them).
PAGE_TEXTS = (
    gettext_noop("Give the token a name, such as the tool that will use it."),
    gettext_noop("Choose when the token expires from the list."),
    gettext_noop("Choose an expiry date in the future."),
    gettext_noop("by you"),
    gettext_noop("account deactivated"),
    gettext_noop("password changed"),
)


@partner_user_required
def token_list(request):
    new_token = None
    errors = {}
    name = ""
    expiry = str(services.DEFAULT_EXPIRY_DAYS)
    if request.method == "POST" and factors.step_up_needed(request):
        return step_up_redirect(request, request.path)
    if request.method == "POST":
        expiry = request.POST.get("expires_in_days", expiry)
        name = request.POST.get("name", "")
        try:
            created = services.api_token_create(
                actor=request.user,
                name=name,
                expires_in_days=services.expiry_days_from_form(expiry),
            )
        except Refusal as exc:
            errors[exc.field or "name"] = _(exc.message)
        else:
            new_token = created  # shown once, on this response only
            name = ""
    # The page's error summary links each error to its control (the template's ids).
    summary = [
        ControlError(control_id, label, errors[field])
        for field, control_id, label in (
            ("name", "id_name", _("Name")),
            ("expires_in_days", "id_expires_in_days", _("Expires")),
        )
        if field in errors
    ]
    return render(
        request,
        "api/token_list.html",
        {
            "tokens": services.api_token_list(actor=request.user),
            "new_token": new_token,
            "errors": summary,
            "name": name,
            "name_error": errors.get("name"),
            "expiry_error": errors.get("expires_in_days"),
            "expiry_options": [
                (str(days), ngettext("%(n)s day", "%(n)s days", days) % {"n": days})
                for days in services.EXPIRY_CHOICES
            ]
            + [(services.NO_EXPIRY, _("No expiry"))],
            "expiry_selected": expiry,
        },
        status=400 if errors else 200,
    )


@partner_user_required
@require_POST
def token_revoke(request, token_id: int):
    try:
        token = services.api_token_revoke(actor=request.user, token_id=token_id)
    except ApiToken.DoesNotExist as exc:
        raise Http404 from exc
    messages.success(
        request,
        _("Token “%(name)s” revoked. Tools using it can no longer sign in.") % {"name": token.name},
    )
    return redirect("api_tokens:list")
