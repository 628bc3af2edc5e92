"""Registration and verification forms."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from keqiao.common.models import Region
from keqiao.common.validators import normalize_credit_code, validate_credit_code

from .models import Membership, Organization, User

SELF_REGISTRATION_KINDS = [
    (k, label) for k, label in Organization.Kind.choices if k not in (Organization.Kind.CITY_BUREAU,)
]


class LoginForm(AuthenticationForm):
    pass


class OrganizationRegistrationForm(forms.Form):
    """An organisation and its first administrator register together; the bureau verifies them."""

    name = forms.CharField(label=_("Organisation name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind of organisation"), choices=SELF_REGISTRATION_KINDS)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=24,
        help_text=_("18 characters, as on the business licence."),
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    description = forms.CharField(
        label=_("Public description"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    full_name = forms.CharField(label=_("Your name"), max_length=60)
    username = forms.RegexField(
        label=_("User name"),
        max_length=40,
        regex=r"^[A-Za-z0-9_.-]{3,40}$",
        help_text=_("3–40 letters, digits, dots, hyphens or underscores."),
        error_messages={"invalid": _("Use 3–40 letters, digits, dots, hyphens or underscores.")},
    )
    email = forms.EmailField(label=_("E-mail"))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    def clean_credit_code(self):
        code = normalize_credit_code(self.cleaned_data["credit_code"])
        validate_credit_code(code)
        if Organization.objects.filter(credit_code=code).exists():
            raise forms.ValidationError(_("An organisation with this credit code is already registered."))
        return code

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if Organization.objects.filter(name=name).exists():
            raise forms.ValidationError(_("An organisation with this name is already registered."))
        return name

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords differ."))
        elif p1:
            user = User(username=cleaned.get("username", ""), email=cleaned.get("email", ""))
            try:
                password_validation.validate_password(p1, user)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

    def user_data(self) -> dict:
        c = self.cleaned_data
        return {
            "username": c["username"],
            "email": c["email"],
            "full_name": c["full_name"],
            "phone": c.get("phone", ""),
            "password": c["password1"],
        }

    def org_data(self) -> dict:
        c = self.cleaned_data
        return {
            "name": c["name"],
            "kind": c["kind"],
            "credit_code": c["credit_code"],
            "region": c["region"],
            "address": c.get("address", ""),
            "website": c.get("website", ""),
            "description": c.get("description", ""),
            "contact_name": c["full_name"],
            "contact_email": c["email"],
            "contact_phone": c.get("phone", ""),
        }


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class MemberForm(forms.Form):
    """A colleague's account, opened by an organisation administrator."""

    full_name = forms.CharField(label=_("Name"), max_length=60)
    username = forms.RegexField(
        label=_("User name"),
        max_length=40,
        regex=r"^[A-Za-z0-9_.-]{3,40}$",
        error_messages={"invalid": _("Use 3–40 letters, digits, dots, hyphens or underscores.")},
    )
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.STAFF)
    password = forms.CharField(
        label=_("Initial password"),
        widget=forms.PasswordInput,
        strip=False,
        help_text=_("Give it to your colleague; they can change it after signing in."),
    )

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return username

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password"):
            try:
                password_validation.validate_password(
                    cleaned["password"],
                    User(username=cleaned.get("username", ""), email=cleaned.get("email", "")),
                )
            except forms.ValidationError as exc:
                self.add_error("password", exc)
        return cleaned


class OrganizationProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Organization
        fields = ["address", "website", "description", "contact_name", "contact_phone", "contact_email"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class TwoFactorCodeForm(forms.Form):
    """The second step of signing in: the app's six digits, or a recovery code."""

    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("The 6-digit code your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
    )

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).replace("-", "")
        if not (code.isdigit() and len(code) == 6) and not (code.isalnum() and len(code) == 10):
            raise forms.ValidationError(
                _("Type the 6 digits from your authenticator app, or a recovery code like abcde-fghjk.")
            )
        return code


class TwoFactorSetupForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("After adding Keqiao to the app, type the 6 digits it shows."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Needed to replace the authenticator app you use now."),
    )

    def __init__(self, *args, replacing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if replacing:
            self.fields["password"].required = True
        else:
            del self.fields["password"]

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split())
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError(_("Type the 6 digits the app shows."))
        return code


class PasswordConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
