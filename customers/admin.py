from django.contrib import admin

from .models import Customer, CustomerRelationship, RelationshipRequest, SpecialQualification


class SpecialQualificationInline(admin.TabularInline):
    model = SpecialQualification
    extra = 0
    readonly_fields = ["qualification", "granted_at", "validation_code"]


class CustomerRelationshipInline(admin.TabularInline):
    model = CustomerRelationship
    extra = 0
    fk_name = "customer"
    readonly_fields = ["partner", "indirect_reseller", "origin", "created_at"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["company_name", "domain", "tenant_id", "created_at"]
    search_fields = ["company_name", "domain", "=tenant_id"]
    inlines = [SpecialQualificationInline, CustomerRelationshipInline]


@admin.register(RelationshipRequest)
class RelationshipRequestAdmin(admin.ModelAdmin):
    list_display = ["uuid", "partner", "status", "created_at", "expires_at", "customer"]
    list_filter = ["status"]
    list_select_related = ["partner", "customer"]
    search_fields = ["partner__name", "customer__company_name"]
