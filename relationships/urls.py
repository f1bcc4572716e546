"""The partner's reseller relationship requests (included under the "relationships" namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.relationship_request_list, name="list"),
    path("new/", views.relationship_request_new, name="new"),
    path("<uuid:request_uuid>/", views.relationship_request_detail, name="detail"),
]
