from django.contrib import admin

from .models import ImportBatch, Provenance, SourceMapping


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Imports are run through the wizard; here they can be looked at."""

    list_display = [
        "original_name",
        "kind",
        "source_name",
        "organization",
        "status",
        "created_by",
        "created_at",
    ]
    list_filter = ["kind", "status"]
    exclude = ["rows"]
    readonly_fields = [
        f
        for f in (
            "kind",
            "source_name",
            "organization",
            "original_name",
            "file_format",
            "encoding",
            "headers",
            "mapping",
            "errors",
            "report",
            "status",
            "failure",
            "created_by",
            "checked_at",
            "committed_at",
        )
    ]


@admin.register(Provenance)
class ProvenanceAdmin(admin.ModelAdmin):
    list_display = [
        "content_type",
        "object_id",
        "source_name",
        "file_name",
        "row_number",
        "external_id",
        "outcome",
    ]
    list_filter = ["content_type", "outcome"]
    search_fields = ["external_id", "source_name", "file_name"]
    raw_id_fields = ["batch"]


admin.site.register(SourceMapping)
