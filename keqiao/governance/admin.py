"""Django admin for plans: departments (and the platform organisation each one stands for), plans, their
indicators and tasks, and reported values. Plans themselves are best created through the pages, which
validate the whole plan at once."""

from django.contrib import admin

from .models import ActionPlan, Department, Indicator, IndicatorReport, Task, TaskAssignment


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "organization", "sort_order")
    list_filter = ("kind",)
    search_fields = ("name",)
    autocomplete_fields = ("organization",)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0


class TaskAssignmentInline(admin.TabularInline):
    model = TaskAssignment
    extra = 0


@admin.register(ActionPlan)
class ActionPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "document_number", "issuing_body", "starts_on", "ends_on")
    inlines = [IndicatorInline]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ("plan", "number", "work_area", "title", "schedule")
    list_filter = ("plan",)
    inlines = [TaskAssignmentInline]


@admin.register(IndicatorReport)
class IndicatorReportAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "value", "region", "department", "reported_by", "created_at")
    list_filter = ("year", "department")
    readonly_fields = ("created_at",)
