from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.refusals import Refusal

from . import factors, selectors, services
from .decorators import role_required, step_up
from .forms import AgentCreateForm, AgentRoleForm
from .models import User
from .permissions import Action


def _user_or_404(request, public_id) -> User:
    try:
        return selectors.user_get(actor=request.user, public_id=public_id)
    except User.DoesNotExist as exc:
        raise Http404("No such user in your organization.") from exc


@role_required(Action.MANAGE_USERS)
def user_list(request):
    page = Paginator(selectors.user_list(actor=request.user), 25).get_page(request.GET.get("page"))
    return render(request, "partners/user_list.html", {"page": page})


@role_required(Action.MANAGE_USERS)
def user_create(request):
    form = AgentCreateForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                user = services.agent_create(actor=request.user, **form.cleaned_data)
            except Refusal as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, _("%(name)s can now sign in.") % {"name": user.username})
                return redirect("partners:user_list")
        status = 400
    return render(request, "partners/user_form.html", {"form": form}, status=status)


@role_required(Action.MANAGE_USERS)
@step_up
def user_edit(request, public_id):
    user = _user_or_404(request, public_id)
    form = AgentRoleForm(request.POST or None, initial={"role": user.role})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.agent_change_role(
                    actor=request.user, user=user, role=form.cleaned_data["role"]
                )
            except Refusal as exc:
                form.add_error(exc.field, exc.message)
            else:
                messages.success(request, _("%(name)s's role was saved.") % {"name": user.username})
                return redirect("partners:user_list")
        status = 400
    return render(request, "partners/user_edit.html", {"form": form, "member": user}, status=status)


@require_POST
@role_required(Action.MANAGE_USERS)
def user_set_active(request, public_id):
    user = _user_or_404(request, public_id)
    active = request.POST.get("active") == "1"
    try:
        services.agent_set_active(actor=request.user, user=user, active=active)
    except Refusal as exc:
        messages.error(request, exc.message)
    else:
        done = _("%(name)s was reactivated.") if active else _("%(name)s was deactivated.")
        messages.success(request, done % {"name": user.username})
    return redirect("partners:user_list")


@require_POST
@role_required(Action.MANAGE_USERS)
@step_up
def user_factors_reset(request, public_id):
    user = _user_or_404(request, public_id)
    factors.factors_reset(actor=request.user, user=user)
    messages.success(
        request,
        _(
            "%(name)s's sign-in methods were reset and their sessions ended. They set up a "
            "second factor again at their next sign-in."
        )
        % {"name": user.username},
    )
    return redirect("partners:user_edit", public_id=user.public_id)
