"""The Celery app: settings under the CELERY_ namespace, tasks found in each app.

Workers log like the web processes (Django's LOGGING: one structured line per event), with the
task id on each line and the correlation id of the request that enqueued the task.
"""

import os

from celery import Celery, signals

from lib import logging as structured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gccportal.settings")

app = Celery("gccportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

CORRELATION_HEADER = "gcc_correlation_id"


@signals.setup_logging.connect
def use_django_logging(**kwargs):
    """Use settings.LOGGING instead of Celery's own format (connecting this skips Celery's)."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


@signals.before_task_publish.connect
def carry_correlation_id(headers=None, **kwargs):
    correlation_id = structured.current_correlation_id()
    if correlation_id and headers is not None:
        headers.setdefault(CORRELATION_HEADER, correlation_id)


@signals.task_prerun.connect
def enter_task_context(task_id=None, task=None, **kwargs):
    structured.task_id_var.set(task_id or "")
    correlation_id = task.request.get(CORRELATION_HEADER) if task is not None else None
    structured.correlation_id_var.set(correlation_id or "")


@signals.task_postrun.connect
def leave_task_context(**kwargs):
    structured.task_id_var.set("")
    structured.correlation_id_var.set("")
