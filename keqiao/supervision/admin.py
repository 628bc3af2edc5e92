from django.contrib import admin

from keqiao.common.admin_readonly import ReadOnlyAdmin

from .models import (
    Consolidation,
    ProgressReport,
    ReminderClaim,
    ReportAttachment,
    ReportFigure,
    SupervisionEvent,
)


class FigureInline(admin.TabularInline):
    model = ReportFigure
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = ReportAttachment
    extra = 0
    readonly_fields = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")


@admin.register(ProgressReport)
class ProgressReportAdmin(admin.ModelAdmin):
    list_display = ("task", "department", "period", "status", "filed_by", "updated_at")
    list_filter = ("status", "period", "department")
    search_fields = ("text", "task__title", "department__name")
    raw_id_fields = ("task", "filed_by", "updated_by")
    inlines = [FigureInline, AttachmentInline]


@admin.register(Consolidation)
class ConsolidationAdmin(admin.ModelAdmin):
    list_display = ("task", "period", "status", "department", "consolidated_by", "consolidated_at")
    list_filter = ("status", "period")
    raw_id_fields = ("task", "consolidated_by")


@admin.register(SupervisionEvent)
class SupervisionEventAdmin(ReadOnlyAdmin):
    """Audit rows: shown, never added, changed or deleted."""

    list_display = ("created_at", "task", "department", "period", "action", "actor")
    list_filter = ("action", "period")
    raw_id_fields = ("task", "actor")


@admin.register(ReminderClaim)
class ReminderClaimAdmin(admin.ModelAdmin):
    list_display = ("task", "department", "period", "claimed_at", "recipients")
    list_filter = ("period",)
