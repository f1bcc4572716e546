"""The customer admin's side: a small admin center where invitations are answered."""

from django.urls import path

from . import views

app_name = "admin_center"

urlpatterns = [
    path("", views.home, name="home"),
    path("partners/<uuid:partner_tenant_id>/remove/", views.partner_remove, name="partner_remove"),
    path("relationships/<str:token>/", views.invitation, name="invitation"),
]
