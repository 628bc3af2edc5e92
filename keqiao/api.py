"""The JSON API (OpenAPI 3 schema at /api/v1/openapi.json, docs at /api/v1/docs)."""

from ninja import NinjaAPI

api = NinjaAPI(title="Keqiao API", version="1.0", urls_namespace="api")
