"""The JSON API (OpenAPI 3 schema at /api/v1/openapi.json, interactive docs at /api/v1/docs)."""

from django.core.exceptions import ValidationError
from ninja import NinjaAPI, Router, Schema
from ninja.errors import ValidationError as RequestValidationError

from keqiao.achievements.api import router as achievements_router
from keqiao.annualreports.api import router as annualreports_router
from keqiao.challenges.api import router as challenges_router
from keqiao.common.errors import DomainError
from keqiao.common.models import Classification, Region
from keqiao.common.schemas import django_entries, error_entry, pydantic_entries, summary
from keqiao.contracts.api import router as contracts_router
from keqiao.contracts.api import statistics_router
from keqiao.contracts.register_api import router as contract_register_router
from keqiao.demands.api import router as demands_router
from keqiao.evaluation.api import router as evaluation_router
from keqiao.events.api import router as events_router
from keqiao.exchange.api import router as exchange_router
from keqiao.governance.api import router as governance_router
from keqiao.matching.api import router as matching_router
from keqiao.negotiations.api import router as negotiations_router
from keqiao.notifications.api import router as notifications_router
from keqiao.patents.api import router as patents_router
from keqiao.registries.api import router as registries_router
from keqiao.reviews.api import router as reviews_router
from keqiao.supervision.api import router as supervision_router
from keqiao.trading.api import router as trading_router

# Operation ids are what API clients generate their function names from, so an endpoint keeps the id it
# was first published under when its code moves to another app.
PUBLISHED_MODULE = {
    "keqiao.negotiations.api": "keqiao.deals.api",
    "keqiao.contracts.api": "keqiao.deals.api",
    "keqiao.notifications.api": "keqiao.matching.api",
}


class KeqiaoAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation) -> str:
        module = operation.view_func.__module__
        name = operation.view_func.__name__
        return f"{PUBLISHED_MODULE.get(module, module)}_{name}".replace(".", "_")


api = KeqiaoAPI(
    title="Keqiao API",
    version="1.0",
    description="Catalogue of published technology achievements of the Meishan technology-transfer platform, "
    "and session-authenticated registration and review.",
    urls_namespace="api",
)


# Every error answer has the same shape: `detail` (a message in the interface language), `code`, and
# `errors`, one entry per field at fault ({field, loc, message, code}). 422: the request does not fit the
# API (unknown keys, types, limits, choices) or a rule of the services refused a field's value.


@api.exception_handler(DomainError)
def domain_error(request, exc: DomainError):
    errors = [error_entry(["body", exc.field], exc.message, exc.code)] if exc.field else []
    return api.create_response(
        request,
        {"detail": str(exc.message), "code": exc.code, "field": exc.field, "errors": errors},
        status=exc.status_code,
    )


@api.exception_handler(ValidationError)
def validation_error(request, exc: ValidationError):
    errors = django_entries(exc)
    return api.create_response(
        request, {"detail": summary(errors), "code": "invalid", "errors": errors}, status=422
    )


@api.exception_handler(RequestValidationError)
def request_validation_error(request, exc: RequestValidationError):
    # Every view names its body parameter `payload`; django-ninja puts that name in the location.
    errors = pydantic_entries(exc.errors, body_params={"payload"})
    return api.create_response(
        request, {"detail": summary(errors), "code": "invalid", "errors": errors}, status=422
    )


reference = Router(tags=["reference"])


class RegionOut(Schema):
    code: str
    name: str
    name_en: str
    kind: str


class ClassificationOut(Schema):
    code: str
    level: str
    name: str
    parent_code: str


@reference.get("/regions", response=list[RegionOut])
def regions(request):
    return list(Region.objects.all())


@reference.get("/classifications", response=list[ClassificationOut])
def classifications(request, scheme: str = "gbt13745", level: str = "first", parent: str = ""):
    qs = Classification.objects.filter(scheme=scheme, level=level)
    if parent:
        qs = qs.filter(parent_code=parent)
    return list(qs[:2000])


api.add_router("/", achievements_router)
api.add_router("/", demands_router)
api.add_router("/", matching_router)
api.add_router("/", notifications_router)
api.add_router("/deals", statistics_router)  # before /deals/{deal_id}
api.add_router("/", negotiations_router)
api.add_router("/", contract_register_router)  # before /contracts/{contract_id}/{action}
api.add_router("/", contracts_router)
api.add_router("/", supervision_router)
api.add_router("/", governance_router)
api.add_router("/", annualreports_router)
api.add_router("/", reviews_router)
api.add_router("/", evaluation_router)
api.add_router("/", trading_router)
api.add_router("/", challenges_router)
api.add_router("/", events_router)
api.add_router("/", registries_router)
api.add_router("/", patents_router)
api.add_router("/", exchange_router)
api.add_router("/reference", reference)
