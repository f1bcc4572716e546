"""Send the emails the code under test recorded, here and now (no worker, no broker)."""

from django.core import mail

from ops.models import EmailNotification
from ops.notifications import email_send


def send_recorded(template: str | None = None) -> list[mail.EmailMessage]:
    """Send every recorded, unsent email (of ``template``, if given); return what was sent."""
    before = len(mail.outbox)
    rows = EmailNotification.objects.filter(status="pending").order_by("pk")
    if template:
        rows = rows.filter(template=template)
    for pk in rows.values_list("pk", flat=True):
        email_send(notification_id=pk)
    return mail.outbox[before:]
