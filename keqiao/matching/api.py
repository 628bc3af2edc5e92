"""JSON API for matches (with their explanations), suggestions and subscriptions."""

from django.http import Http404
from ninja import Field, Router, Schema, Status
from ninja.security import django_auth

from keqiao.achievements.selectors import achievements_public
from keqiao.common.schemas import Choice, InputSchema, Text
from keqiao.demands.selectors import demands_public

from . import selectors, services
from .explain import explanation, grade_label
from .index import matches_for
from .models import Frequency, Subscription
from .suggest import suggest_for

router = Router(tags=["matching"])


class FactorOut(Schema):
    name: str
    label: str
    share: int
    value: int


class MatchOut(Schema):
    id: int
    kind: str
    title: str
    url: str
    score: float = Field(description="ranking score 0–1 (relevance, re-ranked by the structured factors)")
    grade: str = Field(description="strong / good / possible: how likely the item answers the request")
    grade_label: str
    relevance: float = Field(description="probability 0–1 that the item is about the request's topic")
    shared_terms: list[str]
    shared_concepts: list[str]
    factors: list[FactorOut]


def _rows(kind: str, record) -> list[dict]:
    target = "achievement" if kind == "demand" else "demand"
    return [
        {
            "id": r.record.pk,
            "kind": target,
            "title": r.record.title,
            "url": r.record.get_absolute_url(),
            "score": round(r.match.score, 4),
            "grade": r.grade,
            "grade_label": grade_label(r.grade),
            "relevance": round(r.match.relevance, 4),
            "shared_terms": r.match.shared_terms,
            "shared_concepts": r.match.shared_concepts,
            "factors": [{**f, "label": str(f["label"])} for f in explanation(r.match)],
        }
        for r in matches_for(kind, record, k=20)
    ]


@router.get("/demands/{demand_id}/matches", response=list[MatchOut], summary="Achievements matching a demand")
def demand_matches(request, demand_id: int):
    demand = demands_public().filter(pk=demand_id).first()
    if demand is None:
        raise Http404
    return _rows("demand", demand)


@router.get(
    "/achievements/{achievement_id}/matches",
    response=list[MatchOut],
    summary="Demands matching an achievement",
)
def achievement_matches(request, achievement_id: int):
    achievement = achievements_public().filter(pk=achievement_id).first()
    if achievement is None:
        raise Http404
    return _rows("achievement", achievement)


class SuggestIn(InputSchema):
    text: Text(20000, min_length=1)


class SuggestOut(Schema):
    discipline_code: str | None
    discipline_alternatives: list[str] = Field(
        default_factory=list, description="GB/T 13745 codes the model ranks next, best first"
    )
    industry_code: str | None
    tech_field: str | None
    keywords: list[str]


@router.post("/suggest", response=SuggestOut, summary="Suggest classification and keywords for a text")
def suggest(request, payload: SuggestIn):
    s = suggest_for(payload.text)
    if s is None:
        return {"discipline_code": None, "industry_code": None, "tech_field": None, "keywords": []}
    chosen = [x for x in (s["discipline"], s["industry"], *s["discipline_alternatives"]) if x]
    codes = selectors.classification_codes([x[0] for x in chosen])
    return {
        "discipline_code": codes.get(s["discipline"][0]) if s["discipline"] else None,
        "discipline_alternatives": [codes[pk] for pk, _label in s["discipline_alternatives"]],
        "industry_code": codes.get(s["industry"][0]) if s["industry"] else None,
        "tech_field": s["tech_field"][0] if s["tech_field"] else None,
        "keywords": s["keywords"],
    }


class SubscriptionIn(InputSchema):
    kind: Choice(Subscription.Kind)
    value: Text(200, required=True, multiline=False)
    frequency: Choice(Frequency) = "daily"


class SubscriptionOut(Schema):
    id: int
    kind: str
    value: str
    label: str
    frequency: str


@router.get("/me/subscriptions", response=list[SubscriptionOut], auth=django_auth)
def my_subscriptions(request):
    return list(selectors.subscriptions_of(request.user))


@router.post("/me/subscriptions", response={201: SubscriptionOut}, auth=django_auth)
def subscribe(request, payload: SubscriptionIn):
    return Status(
        201,
        services.subscription_create(
            user=request.user, kind=payload.kind, value=payload.value, frequency=payload.frequency
        ),
    )


@router.delete("/me/subscriptions/{subscription_id}", response={204: None}, auth=django_auth)
def unsubscribe(request, subscription_id: int):
    try:
        services.subscription_delete(user=request.user, subscription_id=subscription_id)
    except Exception as exc:
        raise Http404 from exc
    return Status(204, None)
