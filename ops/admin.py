"""Ops' view of the email outbox and the heartbeats: read-only (superusers; reviewers have no
permission on them)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy

from .models import EmailNotification, Heartbeat


class ReadOnlyAdmin(admin.ModelAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(EmailNotification)
class EmailNotificationAdmin(ReadOnlyAdmin):
    list_display = ["key", "template", "recipients", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "template"]
    search_fields = ["=key", "subject"]
    date_hierarchy = "created_at"

    @admin.display(description=gettext_lazy("to"))
    def recipients(self, notification):
        return ", ".join(notification.to)


@admin.register(Heartbeat)
class HeartbeatAdmin(ReadOnlyAdmin):
    list_display = ["name", "at", "detail"]
