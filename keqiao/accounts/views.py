"""Sign-in, organisation self-registration, the personal workbench and verification by the bureau."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from keqiao.achievements import selectors as achievement_selectors
from keqiao.common.errors import DomainError

from . import selectors, services
from .forms import DecisionForm, LoginForm, OrganizationRegistrationForm
from .models import Organization


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def register(request):
    form = OrganizationRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization, user = services.organization_register(
            user_data=form.user_data(), org_data=form.org_data()
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _(
                "Your organisation is registered and awaits verification by the S&T bureau. "
                "You can already prepare drafts."
            ),
        )
        return redirect("accounts:dashboard")
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def dashboard(request):
    is_bureau = selectors.user_is_bureau(request.user)
    context = {
        "organizations": selectors.user_holder_organizations(request.user),
        "recent": achievement_selectors.achievements_of_user(request.user)[:8],
        "is_bureau": is_bureau,
    }
    if is_bureau:
        context["review_count"] = achievement_selectors.review_queue().count()
        context["pending_orgs"] = selectors.organizations_pending_verification().count()
    return render(request, "accounts/dashboard.html", context)


@login_required
def pending_organizations(request):
    if not selectors.user_is_bureau(request.user):
        raise Http404
    return render(
        request,
        "accounts/pending.html",
        {
            "organizations": selectors.organizations_pending_verification(),
            "form": DecisionForm(),
        },
    )


@login_required
@require_POST
def decide_organization(request, pk: int, decision: str):
    if not selectors.user_is_bureau(request.user):
        raise Http404
    organization = get_object_or_404(Organization, pk=pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if decision == "verify":
            services.organization_verify(organization=organization, by=request.user, note=note)
            messages.success(request, _("%(name)s is verified.") % {"name": organization.name})
        elif decision == "reject":
            services.organization_reject(organization=organization, by=request.user, note=note)
            messages.success(request, _("%(name)s was rejected.") % {"name": organization.name})
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("accounts:pending")
