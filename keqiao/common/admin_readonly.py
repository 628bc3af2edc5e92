"""Admin pages that show records without changing them: every state change of a workflow goes through
its app's services (row lock, transition table, audit row, notifications), never through a bare form."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
