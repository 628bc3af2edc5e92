from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import kinds
from .models import Notification


class VerbFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "verb"

    def lookups(self, request, model_admin):
        return kinds.choices()

    def queryset(self, request, queryset):
        return queryset.filter(verb=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "title", "created_at", "read_at", "emailed_at"]
    list_filter = [VerbFilter, "frequency"]
    list_select_related = ["user"]

    @admin.display(description=_("kind"), ordering="verb")
    def kind(self, obj: Notification):
        return obj.get_verb_display()
