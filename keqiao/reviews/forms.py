"""Forms of the expert registry and of review panels. Services hold the rules; forms parse input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization, User
from keqiao.achievements import choices as achievement_choices
from keqiao.common.choices import TechField

from . import choices

TEXTAREA = forms.Textarea(attrs={"rows": 4})


def _organizations():
    return Organization.objects.filter(status=Organization.Status.VERIFIED).order_by("name")


class ExpertForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Organisation on the platform"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Leave empty when the organisation is not on the platform, and write its name below."),
    )
    organization_name = forms.CharField(label=_("Organisation"), max_length=100, required=False)
    title = forms.ChoiceField(label=_("Professional title"), choices=choices.ExpertTitle.choices)
    position = forms.CharField(label=_("Position"), max_length=60, required=False)
    tech_fields = forms.MultipleChoiceField(
        label=_("Technology fields"),
        choices=TechField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    disciplines = forms.CharField(
        label=_("Disciplines (GB/T 13745 codes)"),
        max_length=200,
        required=False,
        help_text=_(
            "Codes separated by spaces, e.g. 210 (agronomy) or 510 (electronics and communications)."
        ),
    )
    expertise = forms.CharField(label=_("Expertise"), max_length=1000, required=False, widget=TEXTAREA)
    available = forms.BooleanField(label=_("Available for reviews"), required=False, initial=True)
    conflict_organizations = forms.ModelMultipleChoiceField(
        label=_("Declared conflicts of interest"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Organisations whose work you should not review (former employer, family, shares...)."),
    )
    conflict_note = forms.CharField(label=_("Other declared conflicts"), max_length=500, required=False)

    def __init__(self, *args, expert=None, **kwargs):
        if expert is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "organization": expert.organization_id,
                "organization_name": expert.organization_name,
                "title": expert.title,
                "position": expert.position,
                "tech_fields": expert.tech_fields,
                "disciplines": " ".join(expert.disciplines),
                "expertise": expert.expertise,
                "available": expert.available,
                "conflict_organizations": list(expert.conflict_organizations.values_list("pk", flat=True)),
                "conflict_note": expert.conflict_note,
            }
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = _organizations()
        self.fields["conflict_organizations"].queryset = _organizations()

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("username", None)
        data["conflict_organizations"] = list(data["conflict_organizations"])
        return data


class InviteForm(ExpertForm):
    username = forms.CharField(
        label=_("Account (user name)"),
        max_length=150,
        help_text=_("The expert signs in with their own account; ask them for its user name."),
    )
    field_order = ["username"]

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        user = User.objects.filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this user name."))
        self.user = user
        return name


class ReviewOpenForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Organised by"), queryset=Organization.objects.none())
    achievement = forms.ModelChoiceField(label=_("Achievement to review"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=200)
    purpose = forms.CharField(label=_("Purpose and scope"), max_length=2000, required=False, widget=TEXTAREA)

    def __init__(self, *args, organizations, achievements, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["achievement"].queryset = achievements
        if organizations.count() == 1:
            self.fields["organization"].initial = organizations.first()


def _score_field(label):
    return forms.IntegerField(
        label=label, min_value=0, max_value=100, widget=forms.NumberInput(attrs={"step": 1})
    )


class ScoreForm(forms.Form):
    scientific = _score_field(choices.Indicator.SCIENTIFIC.label)
    technological = _score_field(choices.Indicator.TECHNOLOGICAL.label)
    economic = _score_field(choices.Indicator.ECONOMIC.label)
    social = _score_field(choices.Indicator.SOCIAL.label)
    potential = _score_field(choices.Indicator.POTENTIAL.label)
    comment = forms.CharField(label=_("Comments"), max_length=4000, widget=TEXTAREA)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in choices.Indicator.values:
            self.fields[name].help_text = choices.INDICATOR_HELP[name]

    def scores(self) -> dict:
        return {name: self.cleaned_data[name] for name in choices.Indicator.values}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class CloseForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Conclusion of the panel"), max_length=2000, required=False, widget=TEXTAREA
    )


class ApplyForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=achievement_choices.Level.choices)
    evaluation = forms.ChoiceField(
        label=_("Evaluation form"), choices=achievement_choices.Evaluation.choices, initial="review"
    )
