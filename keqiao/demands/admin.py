from django.contrib import admin

from keqiao.common.admin_readonly import AuditInline

from .models import Demand, DemandEvent


class EventInline(AuditInline):
    model = DemandEvent
    fields = ["action", "from_status", "to_status", "actor", "note", "changes", "created_at"]
    readonly_fields = fields


@admin.register(Demand)
class DemandAdmin(admin.ModelAdmin):
    """Raw data work; lifecycle changes go through the site so that they are audited."""

    list_display = ["title", "organization", "status", "tech_field", "deadline", "published_at"]
    list_filter = ["status", "tech_field"]
    search_fields = ["title", "organization__name", "on_behalf_of"]
    list_select_related = ["organization"]
    readonly_fields = [
        "status",
        "submitted_at",
        "published_at",
        "expires_at",
        "expiry_reminded_at",
        "created_by",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["organization", "industry", "discipline", "region"]
    inlines = [EventInline]
