from django.contrib import admin

from keqiao.common.admin_readonly import AuditInline, ReadOnlyAdmin

from .models import Deal, DealEvent


class DealEventInline(AuditInline):
    model = DealEvent


@admin.register(Deal)
class DealAdmin(ReadOnlyAdmin):
    list_display = ["pk", "initiator", "counterpart", "mode", "status", "last_activity_at"]
    list_filter = ["status", "mode"]
    list_select_related = ["initiator", "counterpart"]
    search_fields = ["initiator__name", "counterpart__name", "achievement__title", "demand__title"]
    date_hierarchy = "created_at"
    inlines = [DealEventInline]
