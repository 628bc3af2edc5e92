"""Forms of the deal room and of contract registration. Services hold the rules; forms parse input."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from keqiao.common.forms import add_errors
from keqiao.negotiations.forms import MultipleFileField

from . import drafts, services
from .models import Contract, ContractDocument, IncomeDeduction

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ContractForm(forms.ModelForm):
    """技术合同认定登记表: the national registration system's fields."""

    class Meta:
        model = Contract
        fields = list(services.CONTRACT_FIELDS)
        widgets = {"signed_on": DATE, "starts_on": DATE, "ends_on": DATE}
        help_texts = {
            "technology_amount": _("The technology part of the contract amount; never more than it."),
            "seller_region_code": _("6-digit administrative division code, e.g. 511402 for Dongpo District."),
            "buyer_region_code": _(
                "6-digit administrative division code, e.g. 510104 for Jinjiang District."
            ),
            "expected_new_investment": _("For transfers and licences: investment the buyer expects to add."),
        }

    def clean(self):
        cleaned = super().clean()
        try:
            validated = services.validate_contract_data(
                {k: v for k, v in cleaned.items() if k in services.CONTRACT_FIELDS}
            )
            cleaned.update(validated)
        except ValidationError as exc:
            add_errors(self, exc)
        return cleaned

    def _post_clean(self):
        # The model's own validation runs in the service (with the organisation set); skip it here.
        pass

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in services.CONTRACT_FIELDS}


class DirectContractForm(ContractForm):
    side = forms.ChoiceField(
        label=_("Your organisation is"),
        choices=[("seller", _("the seller (technology side)")), ("buyer", _("the buyer"))],
    )


class CorrectionForm(ContractForm):
    reason = forms.CharField(
        label=_("Reason for the correction"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("What must be corrected"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=200)
    due_on = forms.DateField(label=_("Due"), required=False, widget=DATE)
    done_on = forms.DateField(label=_("Reached on"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class PaymentForm(forms.Form):
    received_on = forms.DateField(label=_("Received on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=0)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


# --- 技术性收入核定 ---------------------------------------------------------------------------------


class IncomeYearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    amount = forms.DecimalField(
        label=_("Contract amount of the year (yuan)"), max_digits=14, decimal_places=2, min_value=0
    )


class IncomeDeductionForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    category = forms.ChoiceField(label=_("Not technology income"), choices=IncomeDeduction.Category.choices)
    amount = forms.DecimalField(label=_("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=0)
    basis = forms.CharField(
        label=_("Basis"),
        max_length=500,
        help_text=_("The clause, invoice or budget line the deduction rests on."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=ContractDocument.Kind.choices)
    files = MultipleFileField(
        label=_("File"),
        help_text=_(
            "One PDF, or pictures of the pages (JPEG, PNG, WebP) in order: they are assembled into one PDF."
        ),
    )


# --- draft contracts from the model texts -----------------------------------------------------------


class DraftForm(forms.Form):
    kind = forms.ChoiceField(label=_("Model text"), choices=drafts.DraftKind.choices)
    language = forms.ChoiceField(
        label=_("Language of the draft"), choices=[("zh-hans", "中文"), ("en", "English")]
    )
