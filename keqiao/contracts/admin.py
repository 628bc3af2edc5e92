from django.contrib import admin

from keqiao.common.admin_readonly import ReadOnlyAdmin

from .models import Contract, ContractEvent


class ContractEventInline(admin.TabularInline):
    model = ContractEvent
    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "action", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = [
        "registration_number",
        "project_name",
        "contract_type",
        "contract_amount",
        "status",
        "registered_on",
    ]
    list_filter = ["status", "contract_type", "tech_field"]
    list_select_related = ["organization"]
    search_fields = ["registration_number", "project_name", "seller_name", "buyer_name"]
    date_hierarchy = "created_at"
    inlines = [ContractEventInline]
