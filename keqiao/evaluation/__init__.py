"""Technology-readiness assessment, valuation and pricing dossiers (评估)."""
