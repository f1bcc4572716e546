"""The project's URLs plus ``/bench/minimal``: one trivial query through the same middleware,
the baseline the benchmark's requests per second are compared with (see book.py)."""

from django.http import HttpResponse
from django.urls import path

from gccportal.urls import urlpatterns as project_urlpatterns
from partners.models import User


def minimal(request):
    """One trivial query, a tiny response: what the stack alone costs."""
    User.objects.exists()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/minimal", minimal), *project_urlpatterns]
