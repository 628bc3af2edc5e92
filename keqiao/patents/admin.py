from django.contrib import admin

from .models import Patent


@admin.register(Patent)
class PatentAdmin(admin.ModelAdmin):
    """Raw data work for the bureau; imports go through the import wizard so they keep their provenance."""

    list_display = ["application_number", "title", "kind", "legal_status", "holder", "application_date"]
    list_filter = ["kind", "legal_status"]
    search_fields = ["application_number", "publication_number", "title"]
    raw_id_fields = ["holder", "achievements", "created_by"]
