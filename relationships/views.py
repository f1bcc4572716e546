"""The partner's side of reseller relationship requests: ask, get the email draft, follow up."""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from lib.refusals import Refusal, RefusalCode
from partners import permissions
from partners.decorators import partner_user_required, role_not_allowed, role_required
from partners.permissions import Action

from . import services as relationships
from .forms import RelationshipRequestForm
from .models import RelationshipRequest

PAGE_SIZE = 25


@partner_user_required
def relationship_request_list(request):
    page = Paginator(relationships.relationship_request_list(actor=request.user), PAGE_SIZE)
    page = page.get_page(request.GET.get("page"))
    now = timezone.now()
    for item in page:
        item.shown_status = relationships.relationship_request_effective_status(item, now=now)
    return render(
        request,
        "relationships/relationship_list.html",
        {
            "page": page,
            "can_request": permissions.allows(request.user, Action.REQUEST_RELATIONSHIP),
        },
    )


@role_required(Action.REQUEST_RELATIONSHIP)
def relationship_request_new(request):
    data = request.POST if request.method == "POST" else None
    form = RelationshipRequestForm(data, actor=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = relationships.relationship_request_create(
                    actor=request.user,
                    indirect_reseller=form.cleaned_data.get("indirect_reseller"),
                )
            except Refusal as exc:
                if exc.code == RefusalCode.ROLE_NOT_ALLOWED:  # the role changed meanwhile
                    return role_not_allowed(request, Action.REQUEST_RELATIONSHIP)
                form.add_error(exc.field, exc.message)
            else:
                messages.success(
                    request,
                    _(
                        "Your request is ready. Send the email below to the customer's "
                        "global admin."
                    ),
                )
                return redirect("relationships:detail", request_uuid=created.uuid)
        status = 400
    return render(
        request,
        "relationships/relationship_new.html",
        {"form": form, "days": settings.GCC_RELATIONSHIP_LINK_DAYS},
        status=status,
    )


def _draft(relationship_request: RelationshipRequest, *, link: str, sender) -> tuple[str, str]:
    context = {"rr": relationship_request, "link": link, "sender": sender}
    subject = render_to_string("relationships/relationship_email_subject.txt", context)
    body = render_to_string("relationships/relationship_email.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


@partner_user_required
def relationship_request_detail(request, request_uuid):
    try:
        relationship_request = relationships.relationship_request_get(
            actor=request.user, uuid=request_uuid
        )
    except RelationshipRequest.DoesNotExist as exc:
        raise Http404("No such relationship request.") from exc
    link = relationships.relationship_link(relationship_request)
    subject, body = _draft(relationship_request, link=link, sender=request.user)
    # RFC 6068: percent-encode everything, line breaks as CRLF.
    mailto = "mailto:?subject={}&body={}".format(
        quote(subject, safe=""), quote(body.replace("\n", "\r\n"), safe="")
    )
    return render(
        request,
        "relationships/relationship_detail.html",
        {
            "rr": relationship_request,
            "shown_status": relationships.relationship_request_effective_status(
                relationship_request
            ),
            "link": link,
            "subject": subject,
            "body": body,
            "mailto": mailto,
        },
    )
