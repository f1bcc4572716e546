from django.urls import path

from . import views

app_name = "validation"

urlpatterns = [
    path("partner/new/", views.partner_validation_new, name="partner_new"),
    path("requests/", views.request_list, name="requests"),
    path("codes/", views.code_list, name="codes"),
    path("requests/<uuid:request_uuid>/", views.request_detail, name="detail"),
    path("requests/<uuid:request_uuid>/answer/", views.request_answer, name="answer"),
    path("requests/<uuid:request_uuid>/resubmit/", views.request_resubmit, name="resubmit"),
    path(
        "requests/<uuid:request_uuid>/documents/<int:document_id>/",
        views.request_document,
        name="document",
    ),
    path("answer/<str:token>/", views.contact_answer, name="contact_answer"),
]
