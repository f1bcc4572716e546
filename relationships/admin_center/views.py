"""The customer's side: a small admin center where a customer's global admin answers reseller
relationship invitations and sees which partners manage the organization."""

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib.refusals import Refusal, RefusalCode
from lib.signin import SignInForm
from relationships import services as relationships

LINK_PROBLEMS = {  # the page's heading; its status is the refusal's (400, 410, 410)
    RefusalCode.LINK_INVALID: gettext_lazy("This link doesn't work"),
    RefusalCode.LINK_EXPIRED: gettext_lazy("This invitation has expired"),
    RefusalCode.LINK_USED: gettext_lazy("This invitation was already answered"),
}
DECISIONS = {
    "accept": relationships.relationship_request_accept,
    "decline": relationships.relationship_request_decline,
}


def _not_customer_admin(request, relationship_request=None):
    return render(
        request,
        "relationships/admin_center/not_allowed.html",
        {"message": _(relationships.NOT_CUSTOMER_ADMIN), "rr": relationship_request},
        status=403,
    )


def _link_problem(request, exc: Refusal):
    answered = exc.about
    user = request.user
    if (
        exc.code == RefusalCode.LINK_USED
        and user.is_authenticated
        and user.customer_id
        and answered.customer_id == user.customer_id
    ):
        # This organization answered it: show the outcome, not an error.
        return render(
            request, "relationships/admin_center/invitation_answered.html", {"rr": answered}
        )
    return render(
        request,
        "relationships/admin_center/link_problem.html",
        {"heading": LINK_PROBLEMS[exc.code], "message": exc.message, "rr": answered},
        status=exc.status,
    )


def invitation(request, token):
    """The page the emailed link opens: sign in, then accept or decline."""
    try:
        relationship_request = relationships.relationship_request_open(token=token)
    except Refusal as exc:
        return _link_problem(request, exc)
    user = request.user
    context = {"rr": relationship_request}

    if not user.is_authenticated:
        form = SignInForm(request, data=request.POST if request.method == "POST" else None)
        if request.method == "POST" and form.is_valid():
            auth_login(request, form.get_user())
            return redirect(request.get_full_path())
        context["form"] = form
        status = 400 if request.method == "POST" else 200
        return render(request, "relationships/admin_center/invitation.html", context, status=status)

    if not user.is_customer_admin:
        return _not_customer_admin(request, relationship_request)

    context["customer"] = user.customer
    if request.method == "POST":
        answer = DECISIONS.get(request.POST.get("decision", ""))
        if answer is None:
            context["error"] = _("Choose Accept or Decline.")
            return render(
                request, "relationships/admin_center/invitation.html", context, status=400
            )
        try:
            answer(actor=user, token=token)
        except Refusal as exc:
            if exc.code == RefusalCode.NOT_CUSTOMER_ADMIN:
                return _not_customer_admin(request, relationship_request)
            return _link_problem(request, exc)
        return redirect(request.get_full_path())
    return render(request, "relationships/admin_center/invitation.html", context)


@login_required
def home(request):
    """The customer admin's organization and the partners that manage it."""
    if not request.user.is_customer_admin:
        return _not_customer_admin(request)
    actor = request.user
    return render(
        request,
        "relationships/admin_center/home.html",
        {
            "customer": relationships.customer_for_admin(actor=actor),
            "relationships": relationships.customer_relationship_list(actor=actor),
            "gcc_status": relationships.customer_admin_gcc_status(actor=actor),
            "qualifications": relationships.customer_admin_qualification_list(actor=actor),
            "open_requests": relationships.customer_admin_open_request_list(actor=actor),
        },
    )


@login_required
def partner_remove(request, partner_tenant_id):
    """Confirm, then end one partner's reseller relationship with the organization."""
    user = request.user
    if not user.is_customer_admin:
        return _not_customer_admin(request)
    relationship = (
        relationships.customer_relationship_list(actor=user)
        .filter(partner__tenant_id=partner_tenant_id)
        .first()
    )
    if relationship is None:
        raise Http404("This partner does not manage your organization.")
    if request.method == "POST":
        try:
            partner = relationships.customer_partner_remove(
                actor=user, partner_tenant_id=partner_tenant_id
            )
        except Refusal as exc:
            if exc.code == RefusalCode.NOT_CUSTOMER_ADMIN:
                return _not_customer_admin(request)
            raise Http404(exc.message) from exc  # removed meanwhile: NOT_YOUR_PARTNER
        messages.success(request, _(relationships.PARTNER_REMOVED).format(partner=partner.name))
        return redirect("admin_center:home")
    return render(
        request,
        "relationships/admin_center/partner_remove.html",
        {"relationship": relationship, "customer": user.customer},
    )
