"""Sign-in, organisation self-registration, members and verification by the bureau."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from keqiao.common.confirm import confirmation_page
from keqiao.common.errors import DomainError, add_to_form
from keqiao.common.views import object_or_404

from . import security_views, selectors, services, throttling, twofactor
from .forms import DecisionForm, LoginForm, MemberForm, OrganizationProfileForm, OrganizationRegistrationForm
from .models import Membership, Organization


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, the link built on SITE_URL (the address users know, behind any proxy)."""

    template_name = "accounts/password_reset.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        self.extra_email_context = {
            "SITE_URL": settings.SITE_URL,
            "valid_hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        }
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password through the e-mailed link also forgets the account's failed sign-ins, so
    an official paused by someone else's guesses gets back in at once."""

    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        throttling.clear_account(form.user.get_username())
        return response


class LoginView(auth_views.LoginView):
    """The password step. A user with an authenticator app goes on to the code step before being signed
    in; an official who must use one and has none is signed in and sent to set it up."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if twofactor.is_enabled(user):
            return security_views.start_code_step(self.request, user, self.get_success_url())
        response = super().form_valid(form)
        if twofactor.required_for(user):
            setup = reverse("accounts:two_factor_setup")
            return redirect(f"{setup}?{urlencode({'next': self.get_success_url()})}")
        return response


def register(request):
    form = OrganizationRegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organization, user = services.organization_register(
                user_data=form.user_data(), org_data=form.org_data()
            )
        except DomainError as exc:  # the same name or credit code registered a moment ago
            add_to_form(form, exc)
            return render(request, "accounts/register.html", {"form": form}, status=exc.status_code)
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request,
            _(
                "Your organisation is registered and awaits verification by the S&T bureau. "
                "You can already prepare drafts."
            ),
        )
        return redirect("portal:workbench")
    return render(request, "accounts/register.html", {"form": form}, status=400 if form.errors else 200)


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


# Both decisions are told to the organisation's members at once: (question, what will happen, button);
# see keqiao.common.confirm.
DECISIONS = {
    "verify": (
        gettext_lazy("Verify %(name)s?"),
        gettext_lazy(
            "Its members can publish achievements and demands and negotiate at once, and they are told."
        ),
        gettext_lazy("Verify"),
    ),
    "reject": (
        gettext_lazy("Reject %(name)s?"),
        gettext_lazy("Its members are told your reason and cannot publish or negotiate."),
        gettext_lazy("Reject"),
    ),
}


@login_required
@require_POST
def decide_organization(request, pk: int, decision: str):
    if not selectors.user_is_bureau(request.user):
        raise Http404
    organization = get_object_or_404(Organization, pk=pk)
    if decision not in DECISIONS:
        raise Http404
    question, consequence, button = DECISIONS[decision]
    page = confirmation_page(
        request,
        question=question % {"name": organization.name},
        consequence=consequence,
        button=button,
        cancel_url=reverse("accounts:pending"),
    )
    if page is not None:
        return page
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        if decision == "verify":
            services.organization_verify(organization=organization, by=request.user, note=note)
            messages.success(
                request,
                _("%(name)s is verified: its members can now publish and negotiate, and are told.")
                % {"name": organization.name},
            )
        elif decision == "reject":
            services.organization_reject(organization=organization, by=request.user, note=note)
            messages.success(
                request,
                _("%(name)s was rejected; its members are told your reason.") % {"name": organization.name},
            )
        else:
            raise Http404
    except DomainError as exc:
        messages.error(request, str(exc.message))
    return redirect("accounts:pending")


def _admin_organization(request, pk: int) -> Organization:
    if pk not in selectors.user_admin_organization_ids(request.user):
        raise Http404
    return get_object_or_404(Organization.objects.select_related("region"), pk=pk)


@login_required
def organization_members(request, pk: int):
    """Members and profile of an organisation, for its administrators."""
    organization = _admin_organization(request, pk)
    member_form = MemberForm(request.POST if "add_member" in request.POST else None)
    profile_form = OrganizationProfileForm(
        request.POST if "save_profile" in request.POST else None, instance=organization
    )
    if request.method == "POST":
        try:
            if "add_member" in request.POST and member_form.is_valid():
                services.member_create(organization=organization, by=request.user, **member_form.cleaned_data)
                messages.success(
                    request,
                    _("%(name)s (%(username)s) was added to %(organization)s and can sign in now.")
                    % {
                        "name": member_form.cleaned_data["full_name"],
                        "username": member_form.cleaned_data["username"],
                        "organization": organization.name,
                    },
                )
                return redirect("accounts:members", pk=pk)
            if "save_profile" in request.POST and profile_form.is_valid():
                services.organization_update_profile(
                    organization=organization, by=request.user, data=profile_form.cleaned_data
                )
                messages.success(
                    request,
                    _("The profile of %(organization)s was saved; its public page shows it.")
                    % {"organization": organization.name},
                )
                return redirect("accounts:members", pk=pk)
            if "membership" in request.POST:
                membership = object_or_404(Membership, request.POST["membership"], organization=organization)
                if request.POST.get("op") == "remove":
                    services.member_remove(membership=membership, by=request.user)
                    messages.success(
                        request,
                        _("%(user)s was removed from %(organization)s and can no longer act for it.")
                        % {"user": membership.user, "organization": organization.name},
                    )
                else:
                    services.member_set_role(
                        membership=membership, by=request.user, role=request.POST.get("role", "")
                    )
                    membership.refresh_from_db()
                    messages.success(
                        request,
                        _("%(user)s is now %(role)s of %(organization)s.")
                        % {
                            "user": membership.user,
                            "role": membership.get_role_display(),
                            "organization": organization.name,
                        },
                    )
                return redirect("accounts:members", pk=pk)
        except DomainError as exc:
            if "add_member" in request.POST:
                add_to_form(member_form, exc)  # beside the field, the colleague's details kept
            else:
                messages.error(request, str(exc.message))
    memberships = organization.memberships.select_related("user").order_by("user__username")
    status = 400 if request.method == "POST" and (member_form.errors or profile_form.errors) else 200
    return render(
        request,
        "accounts/members.html",
        {
            "org": organization,
            "memberships": memberships,
            "member_form": member_form,
            "profile_form": profile_form,
            "roles": Membership.Role.choices,
        },
        status=status,
    )
