from django.contrib import admin

from keqiao.common.admin_readonly import AuditInline, ReadOnlyAdmin

from .models import Achievement, AchievementEvent, Attachment, IPItem, RegistrationCounter


class IPItemInline(admin.TabularInline):
    model = IPItem
    extra = 0


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    readonly_fields = ["original_name", "content_type", "size", "uploaded_by", "created_at"]
    fields = ["kind", "original_name", "content_type", "size", "is_public", "uploaded_by", "created_at"]


class EventInline(AuditInline):
    model = AchievementEvent
    fields = ["action", "from_status", "to_status", "actor", "note", "changes", "created_at"]
    readonly_fields = fields


@admin.register(Achievement)
class AchievementAdmin(admin.ModelAdmin):
    """Raw data work for the bureau. Workflow changes go through the site so that they are audited;
    here the lifecycle fields are read-only."""

    list_display = [
        "title",
        "organization",
        "status",
        "registration_number",
        "tech_field",
        "trl",
        "published_at",
    ]
    list_filter = ["status", "tech_field", "kind", "featured"]
    search_fields = ["title", "registration_number", "organization__name"]
    list_select_related = ["organization"]
    readonly_fields = [
        "status",
        "registration_number",
        "submitted_at",
        "approved_at",
        "published_at",
        "expires_at",
        "expiry_reminded_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["organization", "industry", "discipline"]
    inlines = [IPItemInline, AttachmentInline, EventInline]


@admin.register(AchievementEvent)
class AchievementEventAdmin(ReadOnlyAdmin):
    """Audit rows: shown, never added, changed or deleted."""

    list_display = ["achievement", "action", "from_status", "to_status", "actor", "created_at"]
    list_filter = ["action"]
    list_select_related = ["achievement", "actor"]
    readonly_fields = [f.name for f in AchievementEvent._meta.fields]


@admin.register(RegistrationCounter)
class RegistrationCounterAdmin(admin.ModelAdmin):
    list_display = ["office_code", "year", "last_serial"]
    readonly_fields = ["office_code", "year", "last_serial"]
