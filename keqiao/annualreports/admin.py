from django.contrib import admin

from keqiao.common.admin_readonly import AuditInline

from .models import (
    AnnualReport,
    AnnualReportEvent,
    PlanProject,
    PlanProjectEvent,
    ReportingYear,
    ReportProject,
)


@admin.register(ReportingYear)
class ReportingYearAdmin(admin.ModelAdmin):
    list_display = ("year", "opens_on", "deadline")


class ReportProjectInline(admin.TabularInline):
    model = ReportProject
    extra = 0


class AnnualReportEventInline(AuditInline):
    model = AnnualReportEvent
    fields = ("actor", "action", "from_status", "to_status", "note", "changes", "created_at")
    readonly_fields = fields


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    """Read-only: reports change only through their services (which record events)."""

    list_display = ("organization", "reporting_year", "status", "submitted_at", "approved_at", "received_at")
    list_filter = ("reporting_year", "status")
    search_fields = ("organization__name",)
    inlines = [ReportProjectInline, AnnualReportEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


class PlanProjectEventInline(AuditInline):
    model = PlanProjectEvent
    fields = ("actor", "action", "note", "changes", "created_at")
    readonly_fields = fields


@admin.register(PlanProject)
class PlanProjectAdmin(admin.ModelAdmin):
    list_display = (
        "number",
        "title",
        "organization",
        "funding",
        "ends_on",
        "report_due_on",
        "report_submitted_on",
    )
    list_filter = ("status", "registration_required")
    search_fields = ("number", "title", "organization__name")
    autocomplete_fields = ("organization",)
    filter_horizontal = ("achievements",)
    inlines = [PlanProjectEventInline]
