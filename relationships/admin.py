from django.contrib import admin

from .models import RelationshipRequest


@admin.register(RelationshipRequest)
class RelationshipRequestAdmin(admin.ModelAdmin):
    list_display = ["uuid", "partner", "status", "created_at", "expires_at", "customer"]
    list_filter = ["status"]
    list_select_related = ["partner", "customer"]
    search_fields = ["partner__name", "customer__company_name"]
