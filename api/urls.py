"""/v1/: the Partner Center-shaped API, its OpenAPI document and its docs page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerSplitView

from . import carts, views

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="api-schema"),
    path(
        "docs/",
        # GET and HEAD only: its template cannot render DRF's OPTIONS answer (a 500). Our
        # template moves the page's inline <style> to a file: the CSP refuses inline styles.
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema",
            http_method_names=["get", "head"],
            template_name="api/swagger_ui.html",
        ),
        name="api-docs",
    ),
    path("customers", views.CustomersView.as_view()),
    path("customers/all/validations", views.PartnerValidationsView.as_view()),
    path("customers/relationshiprequests", views.RelationshipRequestView.as_view()),
    path("customers/<str:customer_id>", views.CustomerView.as_view()),
    path("customers/<str:customer_id>/relationships", views.CustomerRelationshipsView.as_view()),
    path("customers/<str:customer_id>/profiles/company", views.CompanyProfileView.as_view()),
    path("customers/<str:customer_id>/profiles/billing", views.BillingProfileView.as_view()),
    path("customers/<str:customer_id>/validations", views.CustomerValidationsView.as_view()),
    path("customers/<str:customer_id>/qualifications", views.QualificationsView.as_view()),
    path("customers/<str:customer_id>/qualification", views.QualificationV1View.as_view()),
    path("customers/<str:customer_id>/offers", views.CustomerOffersView.as_view()),
    path(
        "customers/<str:customer_id>/offercategories",
        views.CustomerOfferCategoriesView.as_view(),
    ),
    path("customers/<str:customer_id>/carts", carts.CartsView.as_view()),
    path("customers/<str:customer_id>/carts/<str:cart_id>", carts.CartView.as_view()),
    path(
        "customers/<str:customer_id>/carts/<str:cart_id>/checkout",
        carts.CartCheckoutView.as_view(),
    ),
    path("customers/<str:customer_id>/orders", views.OrdersView.as_view()),
    path("customers/<str:customer_id>/orders/<str:order_id>", views.OrderView.as_view()),
    path(
        "customers/<str:customer_id>/orders/<str:order_id>/provisioningstatus",
        views.OrderProvisioningStatusView.as_view(),
    ),
    path("customers/<str:customer_id>/subscriptions", views.SubscriptionsView.as_view()),
    path(
        "customers/<str:customer_id>/subscriptions/<str:subscription_id>",
        views.SubscriptionView.as_view(),
    ),
    path(
        "customers/<str:customer_id>/subscriptions/<str:subscription_id>/provisioningstatus",
        views.SubscriptionProvisioningStatusView.as_view(),
    ),
    path("domains/<str:domain>", views.DomainView.as_view()),
    path("relationships", views.RelationshipsView.as_view()),
    path("offers", views.OffersView.as_view()),
    path("offercategories", views.OfferCategoriesView.as_view()),
    path("offers/<str:offer_id>", views.OfferView.as_view()),
    re_path(r"^.*$", views.unknown_route),
]
