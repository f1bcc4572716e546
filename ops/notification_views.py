"""The portal's notifications (ops/notifications.py records them with the emails): the bell's
unread count (loaded by htmx after the page, so no page pays for it), the list, mark read.
Each signed-in user sees only their own: another user's notification is a 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from .models import PortalNotification

PAGE_SIZE = 20
BIGGEST_ID = 2**63 - 1  # a larger id in the URL is no row (and no database error)


def _layout(request) -> str:
    """The workspace's layout for a partner user; the plain signed-in one for anyone else."""
    return (
        "layouts/portal.html"
        if getattr(request.user, "partner_id", None)
        else "layouts/account.html"
    )


def _unread(user):
    return PortalNotification.objects.filter(user=user, read_at__isnull=True)


@login_required
@require_GET
def badge(request):
    """The bell's badge (an htmx fragment). ``?shown=N``: the count the page shows now; the
    same count again is a 204, which htmx leaves in place (a screen reader hears only news)."""
    count = _unread(request.user).count()
    shown = request.GET.get("shown", "")
    if shown.isascii() and shown.isdigit() and len(shown) <= 9 and int(shown) == count:
        return HttpResponse(status=204)
    return render(request, "notifications/_badge.html", {"count": count})


@login_required
@require_GET
def notification_list(request):
    notifications = PortalNotification.objects.filter(user=request.user).only(
        "pk", "title", "link", "created_at", "read_at"
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "layout": _layout(request),
        "page": page,
        "query": "",
        "unread": _unread(request.user).count(),
    }
    return render(request, "notifications/notification_list.html", context)


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one of the user's notifications read and go where it points (else the list)."""
    if pk > BIGGEST_ID:
        raise Http404
    notification = get_object_or_404(PortalNotification, pk=pk, user=request.user)
    if notification.read_at is None:
        PortalNotification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    link = notification.link
    if link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        return redirect(link)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request):
    marked = _unread(request.user).update(read_at=timezone.now())
    if marked:
        messages.success(
            request,
            ngettext(
                "%(count)s notification marked as read.",
                "%(count)s notifications marked as read.",
                marked,
            )
            % {"count": marked},
        )
    return redirect("notifications:list")
