from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<uuid:public_id>/", views.user_edit, name="user_edit"),
    path("users/<uuid:public_id>/active/", views.user_set_active, name="user_set_active"),
    path(
        "users/<uuid:public_id>/factors/reset/",
        views.user_factors_reset,
        name="user_factors_reset",
    ),
]
