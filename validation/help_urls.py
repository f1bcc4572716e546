from django.urls import path

from . import help_views

app_name = "help"

urlpatterns = [
    path("eligibility/", help_views.eligibility, name="eligibility"),
    path("questions/", help_views.questions, name="questions"),
]
