from django.contrib import admin

from .models import Platform, Qualification


@admin.register(Qualification)
class QualificationAdmin(admin.ModelAdmin):
    list_display = ("organization", "kind", "number", "valid_from", "valid_until", "status")
    list_filter = ("kind", "status")
    search_fields = ("organization__name", "number")
    raw_id_fields = ("organization", "department", "created_by")
    readonly_fields = ("evidence_sha256", "confirmed_on", "ended_on", "status")


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "organization", "kind", "level", "recognised_on", "status")
    list_filter = ("kind", "level", "status")
    search_fields = ("name", "organization__name")
    raw_id_fields = ("organization", "department", "created_by")
    readonly_fields = ("evidence_sha256", "confirmed_on", "ended_on", "status")
