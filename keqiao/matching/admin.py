from django.contrib import admin

from .models import Recommendation, Subscription


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "label", "frequency", "created_at"]
    list_filter = ["kind", "frequency"]
    list_select_related = ["user"]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["broker", "achievement", "demand", "direction", "status", "created_at"]
    list_filter = ["status", "direction"]
    list_select_related = ["broker", "achievement", "demand"]
