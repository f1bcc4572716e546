from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("export.csv", views.customer_export, name="export"),
    path("<uuid:customer_uuid>/", views.customer_detail, name="detail"),
    path("<uuid:customer_uuid>/edit/", views.customer_edit, name="edit"),
    # The customer validation intake, for a new (no ?customer=) or an existing customer.
    path("validation/new/", views.customer_validation_new, name="validation_new"),
]
