"""Technology-readiness assessment, valuation and pricing dossiers (评估)."""

app_name = "evaluation"

urlpatterns: list = []
