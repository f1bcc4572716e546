"""The reviewers' workbench: the queue, a request's page, the dashboard.

Every action (approve, reject, request information, assign, and the bulk ones) goes through
validation.services, like the simulated reviewer's; the admin only parses and reports.
"""

from datetime import timedelta

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, Q, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timesince import timesince, timeuntil
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from lib.error_summary import ControlError
from lib.refusals import Refusal
from ops.audit import AuditedAdmin
from partners import factors
from partners.decorators import step_up_redirect

from . import selectors, services
from .charts import Series, bar_chart
from .evidence import evidence_file_response
from .models import (
    DECIDED_STATES,
    OPEN_STATES,
    EvidenceDocument,
    GovernmentBasis,
    RegulatedData,
    RequestKind,
    RequestState,
    ValidationCode,
    ValidationEvent,
    ValidationRequest,
)
from .reviewers import DECIDE_PERMISSION

# The decision panel's buttons post a state; each is its own transition of the service.
DECISIONS = {
    RequestState.APPROVED: lambda note, **kw: services.validation_request_approve(note=note, **kw),
    RequestState.REJECTED: lambda note, **kw: services.validation_request_reject(reason=note, **kw),
    RequestState.INFO_REQUESTED: lambda note, **kw: services.validation_request_request_info(
        question=note, **kw
    ),
}
# A decision refused for its note (a rejection without a reason...): what the decision page
# shows after the redirect, beside the note field and in its error summary. In the session,
# one at a time: {"pk": ..., "message": ..., "note": ...}.
DECISION_ERROR = "validation_decision_error"


def _as_text(field: str, label):
    """A read-only display of a foreign key as its name, not as a link to its admin page."""

    @admin.display(description=label)
    def shown(self, obj):
        related = getattr(obj, field)
        return str(related) if related is not None else "—"

    return shown


class ValidationEventInline(admin.TabularInline):
    model = ValidationEvent
    fields = ["at", "actor_name", "from_state", "to_state", "note_shown"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = gettext_lazy("Timeline")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    # The simulated reviewer's name and the fixed notes are stored in English: shown in the
    # reader's language when the catalog has them (a reviewer's own words are shown as written).
    @admin.display(description=gettext_lazy("who"))
    def actor_name(self, event):
        return _(event.actor_name) if event.actor_name else ""

    @admin.display(description=gettext_lazy("note"))
    def note_shown(self, event):
        return _(event.note) if event.note else ""


class DueFilter(admin.SimpleListFilter):
    title = gettext_lazy("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("24h", _("Due within 24 hours")),
            ("paused", _("Paused (waiting for information)")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        match self.value():
            case "overdue":
                return queryset.filter(selectors.overdue_q(now=now))
            case "24h":
                return queryset.filter(
                    status__in=selectors.WAITING_FOR_REVIEW,
                    due_at__gt=now,
                    due_at__lte=now + timedelta(hours=24),
                )
            case "paused":
                return queryset.filter(status=RequestState.INFO_REQUESTED)
        return queryset


class AssignedFilter(admin.SimpleListFilter):
    title = gettext_lazy("assigned reviewer")
    parameter_name = "assigned"

    def lookups(self, request, model_admin):
        return [("me", _("Assigned to me")), ("nobody", _("Open and unassigned"))]

    def queryset(self, request, queryset):
        match self.value():
            case "me":
                return queryset.filter(assigned_to=request.user)
            case "nobody":
                return queryset.filter(status__in=OPEN_STATES, assigned_to__isnull=True)
        return queryset


class StuckFilter(admin.SimpleListFilter):
    title = gettext_lazy("stuck")
    parameter_name = "stuck"

    def lookups(self, request, model_admin):
        return [("yes", _("Stuck (set aside by the sweep)"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(stuck_at__isnull=False)
        return queryset


def _due_text(vr: ValidationRequest, now) -> str:
    if not vr.is_open:
        return "—"
    if vr.status == RequestState.INFO_REQUESTED:
        return _("paused")
    if vr.due_at <= now:
        return format_html(
            '<strong class="overdue">{}</strong>',
            _("overdue %(time)s") % {"time": timesince(vr.due_at, now, depth=1)},
        )
    text = _("due in %(time)s") % {"time": timeuntil(vr.due_at, now, depth=1)}
    if vr.due_at <= now + timedelta(hours=24):
        return format_html('<span class="due-soon">{}</span>', text)
    return text


@admin.register(ValidationRequest)
class ValidationRequestAdmin(AuditedAdmin):
    list_display = [
        "reference",
        "kind_short",
        "organization",
        "transacting_partner",
        "review_state",
        "submitted",
        "due",
        "assigned_to",
    ]
    list_filter = ["status", "kind", DueFilter, AssignedFilter, StuckFilter]
    search_fields = [
        "organization_name",
        "partner__name",
        "domain",
        "contact_email",
        "=tenant_id",
        "=validation_code__validation_id",
    ]
    list_select_related = ["partner", "partner__indirect_provider", "assigned_to"]
    list_per_page = 50
    empty_value_display = "—"
    date_hierarchy = "submitted_at"
    inlines = [ValidationEventInline]
    actions = ["approve_selected", "reject_selected", "assign_selected_to_me", "retry_selected"]
    change_form_template = "admin/validation/validationrequest/change_form.html"
    change_list_template = "admin/validation/validationrequest/change_list.html"
    COMMON_FIELDS = [
        "kind",
        "partner",
        "submitted_by_text",
        "organization_name",
        "tenant_id",
        ("address_line", "city", "state", "postal_code"),
        ("contact_name", "contact_email", "contact_phone"),
    ]
    KIND_FIELDS = {
        RequestKind.PARTNER: ["government_basis_display", "contract_reference", "attested"],
        RequestKind.CUSTOMER: [
            "customer_text",
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
        "resubmission_chain",
        ("submitted_at", "due_at", "screened_at"),
        ("assigned_to_text", "assigned_at"),
        "info_request_message",
        "info_response",
        ("decided_at", "decided_by_display"),
        "decision_reason",
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("partner", "partner__indirect_provider", "assigned_to")
        )

    def get_ordering(self, request):
        """The queue's default order: open requests first, the soonest due on top; then the
        decided ones, the latest decision first. A column header orders by that column."""
        open_ = Q(status__in=OPEN_STATES)
        return [
            Case(When(open_, then=Value(0)), default=Value(1)).asc(),
            Case(When(open_, then=F("due_at")), default=None).asc(nulls_last=True),
            F("decided_at").desc(nulls_last=True),
            "-submitted_at",
        ]

    def get_fieldsets(self, request, obj=None):
        entered = self.COMMON_FIELDS + self.KIND_FIELDS.get(obj.kind if obj else "", [])
        fieldsets = [
            (_("What the partner entered"), {"fields": entered}),
            (_("Review"), {"fields": self.REVIEW_FIELDS}),
        ]
        if obj:
            fieldsets.insert(1, (_("Evidence documents"), {"fields": ["evidence_documents"]}))
        if obj and (obj.sweep_attempts or obj.stuck_at):
            fieldsets.insert(
                0, (_("The simulated reviewer's sweep failed"), self._sweep_fieldset(obj))
            )
        return fieldsets

    @staticmethod
    def _sweep_fieldset(vr: ValidationRequest) -> dict:
        if vr.stuck_at:
            why = _(
                "Set aside as stuck: the sweep no longer takes this request. Decide it here, or "
                'put it back for the sweep from the queue (action "Retry selected stuck '
                'requests").'
            )
        else:
            why = _("The next sweeps try again; after the last attempt the request is set aside.")
        return {"fields": [("sweep_attempts", "stuck_at"), "sweep_error"], "description": why}

    def get_readonly_fields(self, request, obj=None):
        displays = [
            "government_basis_display",
            "regulated_data_display",
            "validation_code",
            "decided_by_display",
            "resubmission_chain",
            "evidence_documents",
            "customer_text",
            "submitted_by_text",
            "assigned_to_text",
        ]
        return [f.name for f in self.model._meta.fields] + displays

    @admin.display(description=gettext_lazy("Reference"), ordering="pk")
    def reference(self, vr):
        return vr.reference

    # Reviewers may not open the admin's customer and user pages: a read-only foreign key would
    # be a link to a 403 there, so these show as text.
    customer_text = _as_text("customer", gettext_lazy("customer"))
    submitted_by_text = _as_text("submitted_by", gettext_lazy("submitted by"))
    assigned_to_text = _as_text("assigned_to", gettext_lazy("assigned reviewer"))

    @admin.display(description=gettext_lazy("documents"))
    def evidence_documents(self, vr):
        """The attached documents, each a download through ``document_view`` (never a public
        URL)."""
        documents = vr.documents.all()
        if not documents:
            return _("None attached.")
        return format_html(
            '<ul class="evidence-documents">{}</ul>',
            format_html_join(
                "",
                '<li><a href="{}" style="text-decoration: underline">{}</a> ({})</li>',
                (
                    (
                        reverse("admin:validation_validationrequest_document", args=[vr.pk, d.pk]),
                        d.original_name,
                        _("%(type)s, %(size)s bytes, %(via)s %(when)s")
                        % {
                            "type": d.content_type,
                            "size": d.size,
                            "via": d.get_uploaded_via_display().lower(),
                            "when": date_format(
                                timezone.localtime(d.created_at), "DATETIME_FORMAT"
                            ),
                        },
                    )
                    for d in documents
                ),
            ),
        )

    @admin.display(description=gettext_lazy("resubmissions"))
    def resubmission_chain(self, vr):
        """The rejected requests this one resubmits and its own resubmissions, oldest first."""
        chain = selectors.validation_request_chain(vr)
        if len(chain) == 1:
            return "—"
        return format_html_join(
            " → ",
            "{}",
            (
                (
                    format_html("<strong>{} ({})</strong>", r.reference, r.get_status_display())
                    if r.pk == vr.pk
                    else format_html(
                        '<a href="{}">{}</a> ({})',
                        reverse("admin:validation_validationrequest_change", args=[r.pk]),
                        r.reference,
                        r.get_status_display(),
                    ),
                )
                for r in chain
            ),
        )

    @admin.display(description=gettext_lazy("serves US government customers"))
    def government_basis_display(self, vr):
        labels = dict(GovernmentBasis.choices)
        return "; ".join(str(labels.get(code, code)) for code in vr.government_basis) or "—"

    @admin.display(description=gettext_lazy("decided by"))
    def decided_by_display(self, vr):
        """The reviewer, or the simulated reviewer's label when no person decided."""
        if vr.decided_by_id:
            return str(vr.decided_by)
        decision = vr.events.filter(to_state__in=DECIDED_STATES).last()
        return decision.actor_name if decision else "—"

    @admin.display(description=gettext_lazy("government-regulated data"))
    def regulated_data_display(self, vr):
        labels = dict(RegulatedData.choices)
        return "; ".join(str(labels.get(code, code)) for code in vr.regulated_data) or "—"

    @admin.display(description=gettext_lazy("validation code"))
    def validation_code(self, vr):
        code = getattr(vr, "validation_code", None)
        if code is None:
            return "—"
        return _("%(code)s (%(left)s of %(max)s creates left)") % {
            "code": code.validation_id,
            "left": code.remaining_creates,
            "max": code.max_creates,
        }

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # read-only record; decisions use the buttons below the form

    def has_decide_permission(self, request):
        return request.user.has_perm(DECIDE_PERMISSION)

    # --- Columns ------------------------------------------------------------------------------

    @admin.display(description=gettext_lazy("kind"), ordering="kind")
    def kind_short(self, vr):
        if vr.kind == RequestKind.PARTNER:
            return _("Partner")
        if vr.kind == RequestKind.CUSTOMER:
            return _("Customer")
        return vr.get_kind_display()

    @admin.display(description=gettext_lazy("organization"), ordering="organization_name")
    def organization(self, vr):
        return vr.organization_name

    @admin.display(description=gettext_lazy("transacting partner"), ordering="partner__name")
    def transacting_partner(self, vr):
        transacting = vr.partner.transacting_partner
        if transacting.pk == vr.partner_id:
            return transacting.name
        return format_html(
            '{} <span class="quiet">{}</span>',
            transacting.name,
            _("(for %(partner)s)") % {"partner": vr.partner.name},
        )

    @admin.display(description=gettext_lazy("state"), ordering="status")
    def review_state(self, vr):
        label = _("Info requested") if vr.status == RequestState.INFO_REQUESTED else None
        state = format_html(
            '<span class="state state-{}">{}</span>', vr.status, label or vr.get_status_display()
        )
        if vr.stuck_at:
            return format_html(
                '{} <strong class="overdue" title="{}">{}</strong>',
                state,
                vr.sweep_error,
                _("stuck"),
            )
        return state

    @admin.display(description=gettext_lazy("submitted"), ordering="submitted_at")
    def submitted(self, vr):
        local = timezone.localtime(vr.submitted_at)
        return format_html(
            '<time datetime="{}" title="{}">{}</time>',
            local.isoformat(),
            date_format(local, "DATETIME_FORMAT"),
            date_format(local, "DATE_FORMAT"),
        )

    @admin.display(description=gettext_lazy("due"), ordering="due_at")
    def due(self, vr):
        return _due_text(vr, timezone.now())

    # --- Pages --------------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/decide/",
                view(self.decide_view),
                name="validation_validationrequest_decide",
            ),
            path(
                "<int:pk>/assign/",
                view(self.assign_view),
                name="validation_validationrequest_assign",
            ),
            path(
                "<int:pk>/documents/<int:document_id>/",
                view(self.document_view),
                name="validation_validationrequest_document",
            ),
            path("dashboard/", view(self.dashboard_view), name="validation_dashboard"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {"dashboard_url": reverse("admin:validation_dashboard")} | (
            extra_context or {}
        )
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # get_object() answers None for an id that is not one (a relative "widgets.css" asked
        # for below the page): the admin's own change view then says it doesn't exist.
        vr = self.get_object(request, unquote(object_id))
        if vr is None:
            return super().change_view(request, object_id, form_url, extra_context)
        earlier, earlier_count = selectors.validation_requests_same_tenant(request=vr)
        may_decide = self.has_decide_permission(request) and vr.is_open
        refused = request.session.pop(DECISION_ERROR, None)
        if not (refused and refused.get("pk") == vr.pk and may_decide):
            refused = None
        extra_context = (extra_context or {}) | {
            "vr": vr,
            "decision_error": refused
            and ControlError("id_note", _("Reason or question"), refused["message"]),
            "decision_note": refused["note"] if refused else "",
            "can_decide": may_decide,
            "can_assign": may_decide and vr.assigned_to_id != request.user.pk,
            "decide_url": reverse("admin:validation_validationrequest_decide", args=[vr.pk]),
            "assign_url": reverse("admin:validation_validationrequest_assign", args=[vr.pk]),
            "earlier_requests": earlier,
            "earlier_count": earlier_count,
            "tenant_queue_url": reverse("admin:validation_validationrequest_changelist")
            + f"?q={vr.tenant_id}",
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_view(self, request, pk):
        if request.method != "POST":
            return redirect("admin:validation_validationrequest_change", pk)
        if not self.has_decide_permission(request):
            raise PermissionDenied
        decision = request.POST.get("decision", "")
        expected = request.POST.get("expected_state", "")
        if expected not in OPEN_STATES:
            expected = ""
        transition = DECISIONS.get(decision)
        if transition is None:
            self.message_user(
                request,
                _("Unknown decision %(decision)s.") % {"decision": repr(decision)},
                messages.ERROR,
            )
            return redirect("admin:validation_validationrequest_change", pk)
        try:
            transition(
                request.POST.get("note", ""),
                request_id=pk,
                actor=request.user,
                expected_states=[expected] if expected else None,
            )
        except Refusal as exc:
            if exc.field == "note":
                # Said at the note field, and in the page's error summary.
                request.session[DECISION_ERROR] = {
                    "pk": pk,
                    "message": str(exc.message),
                    "note": request.POST.get("note", ""),
                }
            else:
                self.message_user(request, exc.message, messages.ERROR)
        else:
            label = RequestState(decision).label.lower()
            self.message_user(
                request, _("Request marked %(state)s.") % {"state": label}, messages.SUCCESS
            )
        return redirect("admin:validation_validationrequest_change", pk)

    def assign_view(self, request, pk):
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        back = back or reverse("admin:validation_validationrequest_change", args=[pk])
        if request.method != "POST":
            return redirect(back)
        if not self.has_decide_permission(request):
            raise PermissionDenied
        try:
            services.validation_request_assign(request_id=pk, actor=request.user)
        except Refusal as exc:
            self.message_user(request, exc.message, messages.ERROR)
        else:
            self.message_user(request, _("The request is assigned to you."), messages.SUCCESS)
        return redirect(back)

    def document_view(self, request, pk, document_id):
        """A reviewer downloads a request's document (the reviewers' view permission)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        document = get_object_or_404(EvidenceDocument, pk=document_id, request_id=pk)
        return evidence_file_response(document)

    def dashboard_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        figures = selectors.review_dashboard()
        days = figures.days
        day_labels = [date_format(d.day, "M j") for d in days]
        context = self.admin_site.each_context(request) | {
            "title": _("Reviewers' dashboard"),
            "opts": self.model._meta,
            "figures": figures,
            "queue_url": reverse("admin:validation_validationrequest_changelist"),
            "queue_chart": bar_chart(
                chart_id="chart-queue",
                title=_("Requests by state"),
                description=_("How many requests are in each state now."),
                labels=[label for _, label, _ in figures.by_state],
                series=[Series(_("requests"), "bar-queue", [n for _, _, n in figures.by_state])],
                height=220,
            ),
            "decisions_chart": bar_chart(
                chart_id="chart-decisions",
                title=_("Decisions per day, last 30 days"),
                description=_("Approved and rejected requests per day (US Eastern), stacked."),
                labels=day_labels,
                series=[
                    Series(
                        pgettext("chart series", "approved"),
                        "bar-approved",
                        [d.approved for d in days],
                    ),
                    Series(
                        pgettext("chart series", "rejected"),
                        "bar-rejected",
                        [d.rejected for d in days],
                    ),
                ],
                label_every=5,
            ),
            "median_chart": bar_chart(
                chart_id="chart-median",
                title=_("Median time to decision per day (hours), last 30 days"),
                description=_(
                    "For the requests decided each day: the median hours from "
                    "submission to decision."
                ),
                labels=day_labels,
                series=[
                    Series(_("median hours"), "bar-median", [d.median_hours or 0 for d in days])
                ],
                unit="h",
                label_every=5,
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/validation/dashboard.html", context)

    # --- Bulk actions -------------------------------------------------------------------------

    def _step_up(self, request):
        """A bulk decision whose reviewer last used their second factor too long ago: confirm
        it, then back to the queue as it was (the selection is chosen again)."""
        return step_up_redirect(request, request.get_full_path())

    def _report(self, request, outcome, done: str) -> None:
        """``done``: the message for the requests done, with ``%(count)s`` (an ngettext of
        ``len(outcome.done)``)."""
        level = messages.SUCCESS if outcome.done else messages.WARNING
        self.message_user(request, done % {"count": len(outcome.done)}, level)
        if outcome.skipped:
            details = "; ".join(
                f"{ValidationRequest(pk=pk).reference}: {why}"
                for pk, why in sorted(outcome.skipped.items())
            )
            skipped = ngettext(
                "%(count)s skipped. %(details)s",
                "%(count)s skipped. %(details)s",
                len(outcome.skipped),
            ) % {"count": len(outcome.skipped), "details": details}
            self.message_user(request, skipped, messages.WARNING)

    @admin.action(
        description=gettext_lazy("Approve selected requests (only those whose every check holds)"),
        permissions=["decide"],
    )
    def approve_selected(self, request, queryset):
        if factors.step_up_needed(request):
            return self._step_up(request)
        outcome = services.validation_requests_bulk_approve(
            request_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        n = len(outcome.done)
        self._report(request, outcome, ngettext("%(count)s approved.", "%(count)s approved.", n))

    @admin.action(
        description=gettext_lazy("Reject selected requests (one reason for all)…"),
        permissions=["decide"],
    )
    def reject_selected(self, request, queryset):
        if factors.step_up_needed(request):
            return self._step_up(request)
        ids = list(queryset.values_list("pk", flat=True))
        error = ""
        if request.POST.get("confirm") == "yes":
            try:
                outcome = services.validation_requests_bulk_reject(
                    request_ids=ids, actor=request.user, reason=request.POST.get("reason", "")
                )
            except Refusal as exc:
                error = exc.message
            else:
                n = len(outcome.done)
                done = ngettext("%(count)s rejected.", "%(count)s rejected.", n)
                self._report(request, outcome, done)
                return None
        context = self.admin_site.each_context(request) | {
            "title": _("Reject the selected requests"),
            "opts": self.model._meta,
            "requests": queryset.select_related("partner").order_by("pk"),
            "open_states": OPEN_STATES,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "reason": request.POST.get("reason", ""),
            "reason_error": error
            and ControlError("id_reason", _("Reason shown to the partners"), error),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/validation/validationrequest/reject_selected.html", context
        )

    @admin.action(
        description=gettext_lazy("Retry selected stuck requests (the next sweep tries them again)"),
        permissions=["decide"],
    )
    def retry_selected(self, request, queryset):
        outcome = services.validation_requests_bulk_retry(
            request_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        n = len(outcome.done)
        done = ngettext("%(count)s put back for the sweep.", "%(count)s put back for the sweep.", n)
        self._report(request, outcome, done)

    @admin.action(
        description=gettext_lazy("Assign selected requests to me"), permissions=["decide"]
    )
    def assign_selected_to_me(self, request, queryset):
        outcome = services.validation_requests_bulk_assign(
            request_ids=list(queryset.values_list("pk", flat=True)), actor=request.user
        )
        n = len(outcome.done)
        done = ngettext("%(count)s assigned to you.", "%(count)s assigned to you.", n)
        self._report(request, outcome, done)


@admin.register(ValidationCode)
class ValidationCodeAdmin(AuditedAdmin):
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

    def has_change_permission(self, request, obj=None):
        return False  # codes change only through validation.codes
