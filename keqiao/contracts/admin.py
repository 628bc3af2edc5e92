from django.contrib import admin

from keqiao.common.admin_readonly import AuditInline, ReadOnlyAdmin

from .models import Contract, ContractEvent


class ContractEventInline(AuditInline):
    model = ContractEvent


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
