from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from keqiao.common.admin_readonly import ReadOnlyAdmin

from . import twofactor
from .models import Membership, Organization, OrganizationEvent, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Keqiao", {"fields": ("full_name", "phone", "is_expert", "is_broker")}),
    )
    list_display = ["username", "full_name", "email", "is_expert", "is_broker", "is_staff", "two_factor"]
    search_fields = ["username", "full_name", "email"]
    actions = ["reset_two_factor"]

    def get_queryset(self, request):
        apps = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
        return super().get_queryset(request).annotate(has_two_factor=Exists(apps))

    @admin.display(boolean=True, description=_("two-factor sign-in"), ordering="has_two_factor")
    def two_factor(self, obj) -> bool:
        return obj.has_two_factor

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"), permissions=["change"])
    def reset_two_factor(self, request, queryset):
        """For a user who lost the phone and every recovery code: after checking who is asking (in person
        or by a call back to a known number), remove their authenticator app and recovery codes."""
        count = sum(twofactor.reset(user=user, by=request.user, reason="admin action") for user in queryset)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in was reset for %(n)d user. They sign in with their password and, if "
                "they must use it, set up a new app at once.",
                "Two-factor sign-in was reset for %(n)d users. They sign in with their password and, if "
                "they must use it, set up a new app at once.",
                count,
            )
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "credit_code", "region", "status", "created_at"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["name", "credit_code"]
    inlines = [MembershipInline]
    list_select_related = ["region"]


@admin.register(OrganizationEvent)
class OrganizationEventAdmin(ReadOnlyAdmin):
    """Audit rows: shown, never added, changed or deleted."""

    list_display = ["organization", "action", "actor", "created_at"]
    list_select_related = ["organization", "actor"]
    readonly_fields = [f.name for f in OrganizationEvent._meta.fields]
