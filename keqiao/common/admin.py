from django.contrib import admin

from .models import Classification, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en", "kind", "parent"]
    list_filter = ["kind"]


@admin.register(Classification)
class ClassificationAdmin(admin.ModelAdmin):
    list_display = ["scheme", "code", "level", "name", "parent_code"]
    list_filter = ["scheme", "level"]
    search_fields = ["code", "name"]
