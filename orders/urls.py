from django.urls import path

from . import views

app_name = "orders"

urlpatterns = [
    path("new/subscriptions/", views.new_customer_subscriptions, name="new_customer_subscriptions"),
    path("new/review/", views.new_customer_review, name="new_customer_review"),
    path("new/cancel/", views.new_customer_cancel, name="new_customer_cancel"),
    path("<uuid:customer_uuid>/orders/", views.order_list, name="list"),
    path("<uuid:customer_uuid>/orders/new/", views.order_create, name="create"),
    path("<uuid:customer_uuid>/orders/<uuid:order_uuid>/", views.order_detail, name="detail"),
    path("<uuid:customer_uuid>/subscriptions/", views.subscription_list, name="subscriptions"),
]
