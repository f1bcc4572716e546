from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy

from console.health import healthz
from lib.signin import ReviewerSignInForm, SignInForm
from partners import language_views, security_views
from partners.passwords import PasswordResetRequestForm, reset_link_lifetime
from validation import views as validation_views

admin.site.site_header = gettext_lazy("GCC Partner Portal: Microsoft reviewers")
admin.site.site_title = gettext_lazy("GCC reviewers")
admin.site.index_title = gettext_lazy("Validation queue and records")
admin.site.enable_nav_sidebar = False  # the queue needs the width
admin.site.login_form = ReviewerSignInForm

# Forgot password (partners/passwords.py): Django's views and tokens, the email via the outbox.
reset = {"extra_context": {"valid_for": reset_link_lifetime()}}
password_reset = auth_views.PasswordResetView.as_view(form_class=PasswordResetRequestForm, **reset)

urlpatterns = [
    path("", validation_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("language/", language_views.language_set, name="set_language"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-step/", security_views.two_step, name="two_step"),
    path("accounts/passkeys/", include("partners.passkey_urls")),
    path(
        "accounts/password/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", password_reset, name="password_reset"),
    # The same page, linked from the reviewers' sign-in ("Forgotten your password?" shows when
    # this name exists); outside /admin/, which only reviewers may open.
    path("accounts/password/reset/reviewers/", password_reset, name="admin_password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(**reset),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(**reset),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("customers/relationships/", include(("relationships.urls", "relationships"))),
    path("customers/", include("customers.urls")),
    path("", include("orders.urls")),
    path("admin-center/", include("relationships.admin_center.urls")),
    path("settings/api-tokens/", include("api.token_urls")),
    path("settings/organization/", validation_views.organization_profile, name="profile"),
    path("settings/security/", include("partners.security_urls")),
    path("settings/", include("partners.urls")),
    path("validation/", include("validation.urls")),
    path("help/", include("validation.help_urls")),
    path("notifications/", include("ops.notification_urls")),
    path("admin/", admin.site.urls),
    path("v1/", include("api.urls")),
]
