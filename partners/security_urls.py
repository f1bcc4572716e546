from django.urls import path

from . import security_views as views

app_name = "security"

urlpatterns = [
    path("", views.security_page, name="page"),
    path("set-up/", views.enrol, name="enrol"),
    path("authenticator/", views.authenticator, name="authenticator"),
    path("authenticator/qr.svg", views.authenticator_qr, name="authenticator_qr"),
    path("recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("recovery-codes/new/", views.recovery_codes_regenerate, name="recovery_codes_regenerate"),
    path(
        "<str:kind>/<int:device_id>/remove/",
        views.sign_in_method_remove,
        name="sign_in_method_remove",
    ),
]
