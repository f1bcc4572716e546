from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.customer_list, name="list"),
    path("<uuid:customer_uuid>/", views.customer_detail, name="detail"),
    # The customer validation intake, for a new (no ?customer=) or an existing customer.
    path("validation/new/", views.customer_validation_new, name="validation_new"),
]
