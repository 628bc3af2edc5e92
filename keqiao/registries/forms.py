"""Forms of the innovation registries. Services hold the rules; forms parse input."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keqiao.accounts.models import Organization

from . import choices

DATE = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def _departments():
    return Organization.objects.filter(
        kind__in=Organization.GOVERNMENT_KINDS, status=Organization.Status.VERIFIED
    ).order_by("kind", "name")


class _RecordForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    department = forms.ModelChoiceField(
        label=_("Confirming department"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("The default one (supervising department or county S&T bureau)"),
        help_text=_("The S&T bureau may always confirm as well."),
    )
    evidence = forms.FileField(
        label=_("Evidence (PDF or picture)"),
        required=False,
        help_text=_("The certificate or the recognition document; PDF, JPEG, PNG or WebP."),
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
        self.fields["department"].queryset = _departments()


class QualificationForm(_RecordForm):
    kind = forms.ChoiceField(label=_("Qualification"), choices=choices.QualificationKind.choices)
    number = forms.CharField(
        label=_("Certificate number"),
        max_length=60,
        required=False,
        help_text=_("Required except for a demonstration enterprise application (numbered when designated)."),
    )
    issuing_body = forms.CharField(label=pgettext_lazy("certificate", "Issuing body"), max_length=100)
    valid_from = forms.DateField(label=_("Valid from"), **DATE)
    valid_until = forms.DateField(
        label=_("Valid until"),
        help_text=_(
            "A high-tech enterprise certificate is valid for at most three years, a technology-based SME for one."
        ),
        **DATE,
    )
    field_order = [
        "organization",
        "kind",
        "number",
        "issuing_body",
        "valid_from",
        "valid_until",
        "department",
        "evidence",
    ]


class PlatformForm(_RecordForm):
    name = forms.CharField(label=_("Platform name"), max_length=120)
    kind = forms.ChoiceField(label=_("Kind of platform"), choices=choices.PlatformKind.choices)
    level = forms.ChoiceField(label=pgettext_lazy("platform", "Level"), choices=choices.Level.choices)
    document = forms.CharField(
        label=_("Recognition document"), max_length=100, help_text=_("Its number, e.g. 川科平台〔2023〕12号.")
    )
    recognised_on = forms.DateField(label=_("Recognised on"), **DATE)
    tech_field = forms.CharField(label=_("Technology field"), max_length=100, required=False)
    field_order = [
        "organization",
        "name",
        "kind",
        "level",
        "document",
        "recognised_on",
        "tech_field",
        "department",
        "evidence",
    ]


class DecisionForm(forms.Form):
    action = forms.CharField(max_length=20)
    note = forms.CharField(
        label=_("Reason or remark"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )
    number = forms.CharField(label=_("Designation number"), max_length=60, required=False)
