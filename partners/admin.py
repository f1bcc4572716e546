from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy

from ops.audit import AuditedAdmin

from .models import Partner, ResellerQualification, User


class ResellerQualificationInline(admin.TabularInline):
    model = ResellerQualification
    fk_name = "partner"
    extra = 0
    readonly_fields = ["qualification", "granted_at", "granted_by_request"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "partner_type", "csp_enrolled", "tenant_id", "indirect_provider"]
    list_filter = ["partner_type", "csp_enrolled"]
    search_fields = ["name", "=tenant_id", "=azure_gcc_tenant_id"]
    inlines = [ResellerQualificationInline]


@admin.register(User)
class PortalUserAdmin(UserAdmin):
    list_display = ["username", "email", "partner", "role", "is_staff", "is_active"]
    list_filter = ["role", "is_staff", "is_active", "groups"]
    list_select_related = ["partner"]
    fieldsets = [
        *UserAdmin.fieldsets,
        (gettext_lazy("Partner organization"), {"fields": ["partner", "role"]}),
    ]


@admin.register(ResellerQualification)
class ResellerQualificationAdmin(AuditedAdmin):
    """Qualifications are granted by an approved validation (partners.services); the admin shows
    them and their history (who, when, what changed), and changes nothing."""

    list_display = ["partner", "qualification", "granted_at", "granted_by_request"]
    list_filter = ["qualification"]
    search_fields = ["partner__name", "=partner__tenant_id"]
    list_select_related = ["partner", "granted_by_request"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
