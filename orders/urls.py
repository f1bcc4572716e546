from django.urls import path

from . import relationship_views, subscription_views, views

app_name = "orders"

NEW = "customers/new/"  # Add customer and its order wizard
CUSTOMER = "customers/<uuid:customer_uuid>/"

# Orders mounts its own paths (the hall includes it at the root): they sit under a customer.
urlpatterns = [
    path(NEW, views.new_customer_account, name="new_customer"),
    path(
        f"{NEW}subscriptions/", views.new_customer_subscriptions, name="new_customer_subscriptions"
    ),
    path(f"{NEW}review/", views.new_customer_review, name="new_customer_review"),
    path(f"{NEW}cancel/", views.new_customer_cancel, name="new_customer_cancel"),
    path(f"{NEW}codes/", views.validation_code_options, name="validation_code_options"),
    path(f"{CUSTOMER}orders/", views.order_list, name="list"),
    path(f"{CUSTOMER}orders/new/", views.order_create, name="create"),
    path(f"{CUSTOMER}orders/<uuid:order_uuid>/", views.order_detail, name="detail"),
    path(f"{CUSTOMER}subscriptions/", views.subscription_list, name="subscriptions"),
    path(
        f"{CUSTOMER}relationship/remove/",
        relationship_views.relationship_remove,
        name="relationship_remove",
    ),
    path(
        f"{CUSTOMER}subscriptions/<uuid:subscription_uuid>/",
        subscription_views.subscription_detail,
        name="subscription",
    ),
]
