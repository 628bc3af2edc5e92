"""The expert registry and blind expert review panels."""

app_name = "reviews"

urlpatterns: list = []
