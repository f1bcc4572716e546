"""The customer admin's side: a small admin center where invitations are answered."""

from django.urls import path

from . import views

app_name = "admin_center"

urlpatterns = [
    path("", views.home, name="home"),
    path("relationships/<str:token>/", views.invitation, name="invitation"),
]
