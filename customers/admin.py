from django.contrib import admin

from validation.models import SpecialQualification

from .models import Customer, CustomerRelationship


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
