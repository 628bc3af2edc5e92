"""The index change log, for operators checking that the search indexes follow the database. Read-only:
a row edited or deleted by hand would make every process's index disagree with the records."""

from django.contrib import admin

from keqiao.common.admin_readonly import ReadOnlyAdmin

from .models import IndexChange


@admin.register(IndexChange)
class IndexChangeAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "object_id", "created_at"]
    list_filter = ["kind"]
    date_hierarchy = "created_at"
