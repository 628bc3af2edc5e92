"""Admin pages that show records without changing them: every state change of a workflow goes through
its app's services (row lock, transition table, audit row, notifications), never through a bare form.
Audit rows are shown with these only: the ORM refuses to change or delete them anyway."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class AuditInline(admin.TabularInline):
    """The audit rows of a record (an `AuditRow` subclass), shown under it and never edited: the rows are
    append-only (their hash chain is checked by `manage.py verify_audit`)."""

    extra = 0
    can_delete = False
    fields = ["created_at", "actor", "action", "from_status", "to_status", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
