"""The Celery app: settings under the CELERY_ namespace, tasks found in each app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gccportal.settings")

app = Celery("gccportal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
