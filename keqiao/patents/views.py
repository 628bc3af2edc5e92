"""Pages of patent records: the public list with filters, and a patent's page."""

from django.shortcuts import render

from keqiao.common.pagination import paginate

from . import choices, selectors


def patent_list(request):
    """Patents on the platform (published ones to everybody), by words, type and legal status."""
    qs = selectors.patents_visible_to(request.user)
    q = (request.GET.get("q") or "").replace("\x00", "").strip()[:100]
    if q:
        qs = qs.filter(title__icontains=q) | qs.filter(application_number__icontains=q.upper())
    kind = request.GET.get("kind", "")
    if kind in choices.Kind.values:
        qs = qs.filter(kind=kind)
    holder = request.GET.get("holder", "")
    holder = int(holder) if holder.isdigit() and len(holder) < 12 else None
    if holder:
        qs = qs.filter(holder_id=holder)
    status = request.GET.get("status", "")
    if status in choices.LegalStatus.values:
        qs = qs.filter(legal_status=status)
    return render(
        request,
        "patents/list.html",
        {
            "page_obj": paginate(request, qs.order_by("-application_date", "-id"), 20),
            "q": q,
            "kind": kind,
            "status": status,
            "holder": holder,
            "kinds": choices.Kind.choices,
            "statuses": choices.LegalStatus.choices,
        },
    )


def patent_detail(request, pk: int):
    patent = selectors.patent_visible_to(request.user, pk)
    insider = selectors.may_see_holder_records(request.user, patent)
    achievements = [a for a in patent.achievements.all() if insider or a.status == "published"]
    return render(request, "patents/detail.html", {"patent": patent, "achievements": achievements})
