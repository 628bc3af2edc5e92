"""Forms: they translate HTTP input and show errors next to fields; rules live in services."""

from django import forms as djforms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from keqiao.common.forms import ClassificationChoiceField, add_errors
from keqiao.common.models import Classification
from keqiao.common.validators import clean_keywords

from . import choices, services
from .models import Achievement


class AchievementForm(djforms.ModelForm):
    """The national registration form, grouped into sections in the template."""

    keywords = djforms.CharField(
        label=_("Keywords"),
        max_length=200,
        help_text=_("Up to 5 keywords, separated by commas or spaces."),
    )
    forms = djforms.MultipleChoiceField(
        label=_("Forms"), choices=choices.Form.choices, widget=djforms.CheckboxSelectMultiple, required=False
    )
    transfer_modes = djforms.MultipleChoiceField(
        label=_("Transfer modes sought"),
        choices=choices.TransferMode.choices,
        widget=djforms.CheckboxSelectMultiple,
    )
    completers = djforms.CharField(
        label=_("Completers (in order)"),
        required=False,
        widget=djforms.Textarea(attrs={"rows": 3}),
        help_text=_("One person per line, first completer first."),
    )
    other_organizations = djforms.CharField(
        label=_("Other completing organisations"),
        required=False,
        widget=djforms.Textarea(attrs={"rows": 2}),
        help_text=_("One organisation per line."),
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
        model = Achievement
        fields = [
            "title",
            "kind",
            "completers",
            "other_organizations",
            "recommending_body",
            "research_start",
            "research_end",
            "source",
            "funding_programme",
            "attribute",
            "forms",
            "secrecy",
            "level",
            "stage",
            "trl",
            "evaluation",
            "keywords",
            "industry",
            "discipline",
            "tech_field",
            "strategic_industry",
            "transfer_modes",
            "price_negotiable",
            "price",
            "summary",
            "application",
            "confidential_details",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]
        widgets = {
            "research_start": djforms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "research_end": djforms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": djforms.Textarea(attrs={"rows": 6, "maxlength": 2000}),
            "application": djforms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
            "confidential_details": djforms.Textarea(attrs={"rows": 4, "maxlength": 10000}),
        }
        help_texts = {
            "summary": _("Shown publicly. What problem it solves, the advantage over existing solutions."),
            "confidential_details": _("Only your organisation and the S&T bureau can see this."),
            "price": _("In yuan. Leave empty if the price is negotiable."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["keywords"] = "，".join(self.instance.keywords)
            self.initial["completers"] = "\n".join(self.instance.completers)
            self.initial["other_organizations"] = "\n".join(self.instance.other_organizations)
        self.fields["tech_field"].choices = [("", "---------"), *self.fields["tech_field"].choices[1:]]

    def clean_keywords(self):
        try:
            return clean_keywords(self.cleaned_data["keywords"])
        except ValidationError as exc:
            raise djforms.ValidationError(exc.messages) from exc

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("price") is not None:
            cleaned["price_negotiable"] = cleaned.get("price_negotiable", False)
        try:
            validated = services.validate_achievement_data(
                {k: cleaned[k] for k in services.EDITABLE_FIELDS if k in cleaned}
            )
            cleaned.update({k: validated[k] for k in validated if k in cleaned})
        except ValidationError as exc:
            add_errors(self, exc)
        return cleaned

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in services.EDITABLE_FIELDS}


class IPItemForm(djforms.Form):
    kind = djforms.ChoiceField(
        label=_("IP type"), choices=[("", "---------"), *choices.IPKind.choices], required=False
    )
    number = djforms.CharField(label=_("Number"), max_length=40, required=False)
    title = djforms.CharField(label=_("Title"), max_length=200, required=False)
    status = djforms.ChoiceField(label=_("Status"), choices=choices.IPStatus.choices, required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("kind"):
            if cleaned.get("number") or cleaned.get("title"):
                self.add_error("kind", _("Choose the IP type."))
            return cleaned
        try:
            cleaned.update(services.validate_ip_item(cleaned))
        except ValidationError as exc:
            add_errors(self, exc)
        return cleaned


IPItemFormSet = djforms.formset_factory(IPItemForm, extra=2, max_num=services.MAX_IP_ITEMS, validate_max=True)


def ip_items_from_formset(formset) -> list[dict]:
    return [f.cleaned_data for f in formset.forms if f.cleaned_data.get("kind")]


class AttachmentForm(djforms.Form):
    kind = djforms.ChoiceField(label=_("Kind"), choices=choices.AttachmentKind.choices)
    file = djforms.FileField(label=_("File"))
    is_public = djforms.BooleanField(
        label=_("Show publicly"),
        required=False,
        help_text=_("Pictures and brochures may be shown on the public page."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.fields["file"].help_text = _("PDF, JPEG, PNG or WebP; at most %(mb)d MB.") % {
            "mb": settings.KEQIAO["ATTACHMENT_MAX_BYTES"] // (1024 * 1024)
        }


class ReturnForm(djforms.Form):
    comment = djforms.CharField(
        label=_("What needs to be revised"), widget=djforms.Textarea(attrs={"rows": 4}), max_length=2000
    )


class NoteForm(djforms.Form):
    note = djforms.CharField(label=_("Note"), required=False, max_length=500)
