from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from keqiao.common.admin_readonly import ReadOnlyAdmin

from .models import Membership, Organization, OrganizationEvent, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Keqiao", {"fields": ("full_name", "phone", "is_expert", "is_broker")}),
    )
    list_display = ["username", "full_name", "email", "is_expert", "is_broker", "is_staff"]
    search_fields = ["username", "full_name", "email"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "credit_code", "region", "status", "created_at"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["name", "credit_code"]
    inlines = [MembershipInline]
    list_select_related = ["region"]


@admin.register(OrganizationEvent)
class OrganizationEventAdmin(ReadOnlyAdmin):
    """Audit rows: shown, never added, changed or deleted."""

    list_display = ["organization", "action", "actor", "created_at"]
    list_select_related = ["organization", "actor"]
    readonly_fields = [f.name for f in OrganizationEvent._meta.fields]
