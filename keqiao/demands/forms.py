"""The demand form: translates input and shows errors by field; rules live in services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from keqiao.common.choices import TRL_CHOICES
from keqiao.common.forms import ClassificationChoiceField, add_errors
from keqiao.common.models import Classification

from . import choices, services
from .models import Demand


class DemandForm(forms.ModelForm):
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=200,
        required=False,
        help_text=_("Up to 5 keywords, separated by commas or spaces."),
    )
    cooperation_modes = forms.MultipleChoiceField(
        label=_("Cooperation modes accepted"),
        choices=choices.CooperationMode.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    min_trl = forms.TypedChoiceField(
        label=_("Minimum readiness needed (TRL)"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[("", _("Any")), *TRL_CHOICES],
    )
    industry = ClassificationChoiceField(
        label=_("Industry (GB/T 4754)"),
        required=False,
        queryset=Classification.objects.filter(scheme="gbt4754", level="division"),
    )
    discipline = ClassificationChoiceField(
        label=_("Discipline (GB/T 13745)"),
        required=False,
        queryset=Classification.objects.filter(scheme="gbt13745", level="first"),
    )

    class Meta:
        model = Demand
        fields = [
            "title",
            "on_behalf_of",
            "problem",
            "indicators",
            "current_state",
            "keywords",
            "tech_field",
            "strategic_industry",
            "industry",
            "discipline",
            "cooperation_modes",
            "min_trl",
            "budget_min",
            "budget_max",
            "budget_negotiable",
            "budget_private",
            "deadline",
            "region",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 6, "maxlength": 4000}),
            "indicators": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "current_state": forms.Textarea(attrs={"rows": 3, "maxlength": 2000}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {"problem": _("Shown publicly. Describe the technical problem, not your trade secrets.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["keywords"] = "，".join(self.instance.keywords)

    def clean(self):
        cleaned = super().clean()
        try:
            validated = services.validate_demand_data(
                {k: cleaned[k] for k in services.EDITABLE_FIELDS if k in cleaned}
            )
            cleaned.update({k: validated[k] for k in validated if k in cleaned})
        except ValidationError as exc:
            add_errors(self, exc)
        return cleaned

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in services.EDITABLE_FIELDS}
