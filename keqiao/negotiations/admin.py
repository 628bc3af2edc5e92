from django.contrib import admin

from keqiao.common.admin_readonly import ReadOnlyAdmin

from .models import Deal, DealEvent


class DealEventInline(admin.TabularInline):
    model = DealEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "action", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Deal)
class DealAdmin(ReadOnlyAdmin):
    list_display = ["pk", "initiator", "counterpart", "mode", "status", "last_activity_at"]
    list_filter = ["status", "mode"]
    list_select_related = ["initiator", "counterpart"]
    search_fields = ["initiator__name", "counterpart__name", "achievement__title", "demand__title"]
    date_hierarchy = "created_at"
    inlines = [DealEventInline]
