from django.urls import path

from . import views

app_name = "validation"

urlpatterns = [
    path("partner/new/", views.partner_validation_new, name="partner_new"),
    path("requests/<uuid:request_uuid>/", views.request_detail, name="detail"),
    path("requests/<uuid:request_uuid>/answer/", views.request_answer, name="answer"),
    path("answer/<str:token>/", views.contact_answer, name="contact_answer"),
]
