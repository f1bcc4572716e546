"""The admin's view of the audit history (django-simple-history): who, when, what changed.

History is read, never reverted (``SIMPLE_HISTORY_REVERT_DISABLED``): a revert would skip the
services' rules. Changes read as people expect: choices by label, times in US Eastern, an empty
link as a dash.
"""

from datetime import datetime

from django.utils import timezone
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import DeletedObject
from simple_history.template_utils import HistoricalRecordContextHelper


class ReadableChanges(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if value is None or (isinstance(value, DeletedObject) and value.pk is None):
            return "—"
        if isinstance(value, datetime):
            return date_format(timezone.localtime(value), "DATETIME_SECONDS_FORMAT")
        if getattr(field, "choices", None) and not isinstance(value, list | dict):
            return dict(field.flatchoices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class AuditedAdmin(SimpleHistoryAdmin):
    object_history_list_template = "admin/audit_history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableChanges(self.model, historical_record)
