"""The reviewers' queue. Every decision goes through validation.services, like the worker's."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.timesince import timesince, timeuntil

from gccportal.errors import DomainError

from . import services
from .models import (
    OPEN_STATES,
    GovernmentBasis,
    RegulatedData,
    RequestKind,
    RequestState,
    ValidationCode,
    ValidationEvent,
    ValidationRequest,
)

DECIDE_PERMISSION = "validation.decide_validationrequest"


class ValidationEventInline(admin.TabularInline):
    model = ValidationEvent
    fields = ["at", "actor_name", "from_state", "to_state", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "Timeline"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="who")
    def actor_name(self, event):
        return event.actor_name


@admin.register(ValidationRequest)
class ValidationRequestAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "kind_short",
        "organization_name",
        "partner",
        "status",
        "submitted_at",
        "due",
        "decided_by",
    ]
    list_filter = ["status", "kind"]
    search_fields = [
        "organization_name",
        "partner__name",
        "domain",
        "contact_email",
        "=tenant_id",
        "=validation_code__validation_id",
    ]
    list_select_related = ["partner", "decided_by"]
    date_hierarchy = "submitted_at"
    inlines = [ValidationEventInline]
    actions = ["approve_selected"]
    change_form_template = "admin/validation/validationrequest/change_form.html"
    COMMON_FIELDS = [
        "kind",
        "partner",
        "submitted_by",
        "organization_name",
        "tenant_id",
        ("address_line", "city", "state", "postal_code"),
        ("contact_name", "contact_email", "contact_phone"),
    ]
    KIND_FIELDS = {
        RequestKind.PARTNER: ["government_basis_display", "contract_reference", "attested"],
        RequestKind.CUSTOMER: [
            "customer",
            "domain",
            ("entity_type", "jurisdiction"),
            "regulated_data_display",
            ("is_us_entity", "us_presence"),
            "attested",
            "validation_code",
        ],
    }
    REVIEW_FIELDS = [
        "status",
        ("submitted_at", "due_at", "screened_at"),
        "info_request_message",
        "info_response",
        ("decided_at", "decided_by"),
        "decision_reason",
    ]

    def get_fieldsets(self, request, obj=None):
        entered = self.COMMON_FIELDS + self.KIND_FIELDS.get(obj.kind if obj else "", [])
        return [
            ("What the partner entered", {"fields": entered}),
            ("Review", {"fields": self.REVIEW_FIELDS}),
        ]

    def get_readonly_fields(self, request, obj=None):
        displays = ["government_basis_display", "regulated_data_display", "validation_code"]
        return [f.name for f in self.model._meta.fields] + displays

    @admin.display(description="serves US government customers")
    def government_basis_display(self, vr):
        labels = dict(GovernmentBasis.choices)
        return "; ".join(labels.get(code, code) for code in vr.government_basis) or "—"

    @admin.display(description="government-regulated data")
    def regulated_data_display(self, vr):
        labels = dict(RegulatedData.choices)
        return "; ".join(labels.get(code, code) for code in vr.regulated_data) or "—"

    @admin.display(description="validation code")
    def validation_code(self, vr):
        code = getattr(vr, "validation_code", None)
        if code is None:
            return "—"
        return f"{code.validation_id} ({code.remaining_creates} of {code.max_creates} creates left)"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only record; decisions use the buttons below the form

    @admin.display(description="kind", ordering="kind")
    def kind_short(self, vr):
        return vr.get_kind_display().split()[0]  # "Partner", later "Customer"

    @admin.display(description="due", ordering="due_at")
    def due(self, vr):
        if not vr.is_open:
            return "—"
        if vr.status == RequestState.INFO_REQUESTED:
            return "paused"
        now = timezone.now()
        if vr.due_at <= now:
            return format_html(
                '<strong class="overdue">overdue {}</strong>', timesince(vr.due_at, now)
            )
        return f"due in {timeuntil(vr.due_at, now)}"

    def get_urls(self):
        decide = self.admin_site.admin_view(self.decide_view)
        return [
            path("<int:pk>/decide/", decide, name="validation_validationrequest_decide"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        vr = get_object_or_404(ValidationRequest, pk=object_id)
        extra_context.update(
            vr=vr,
            can_decide=request.user.has_perm(DECIDE_PERMISSION) and vr.is_open,
            decide_url=reverse("admin:validation_validationrequest_decide", args=[vr.pk]),
        )
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, pk):
        if request.method != "POST":
            return redirect("admin:validation_validationrequest_change", pk)
        if not request.user.has_perm(DECIDE_PERMISSION):
            raise PermissionDenied
        decision = request.POST.get("decision", "")
        expected = request.POST.get("expected_state", "")
        if expected not in OPEN_STATES:
            expected = ""
        try:
            services.validation_request_decide(
                request_id=pk,
                decision=decision,
                actor=request.user,
                note=request.POST.get("note", ""),
                expected_states=[expected] if expected else None,
            )
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            label = RequestState(decision).label.lower()
            self.message_user(request, f"Request marked {label}.", messages.SUCCESS)
        return redirect("admin:validation_validationrequest_change", pk)

    @admin.action(description="Approve selected requests", permissions=["decide"])
    def approve_selected(self, request, queryset):
        approved, skipped = 0, 0
        for pk in queryset.filter(status__in=OPEN_STATES).values_list("pk", flat=True):
            try:
                services.validation_request_decide(
                    request_id=pk, decision=RequestState.APPROVED, actor=request.user
                )
                approved += 1
            except DomainError:
                skipped += 1
        self.message_user(request, f"{approved} approved, {skipped} already decided.")

    def has_decide_permission(self, request):
        return request.user.has_perm(DECIDE_PERMISSION)


@admin.register(ValidationCode)
class ValidationCodeAdmin(admin.ModelAdmin):
    list_display = [
        "validation_id",
        "organization_name",
        "partner",
        "requested_by",
        "remaining_creates",
        "max_creates",
        "created_at",
    ]
    search_fields = ["=validation_id", "organization_name", "partner__name"]
    list_select_related = ["partner", "requested_by"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
