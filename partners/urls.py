from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<uuid:public_id>/", views.user_edit, name="user_edit"),
    path("users/<uuid:public_id>/active/", views.user_set_active, name="user_set_active"),
]
