from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

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
        ("Partner organization", {"fields": ["partner", "role"]}),
    ]
