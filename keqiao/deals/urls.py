"""Deals and contracts."""

app_name = "deals"
urlpatterns = []
