"""Forms of challenge tenders. Services hold the rules; forms parse input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keqiao.negotiations.forms import MultipleFileField

from . import choices

DATETIME = {
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
}


def _money(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, **kwargs)


def _text(label, max_length: int, rows: int = 4, **kwargs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows, "maxlength": max_length}),
        **kwargs,
    )


class ChallengeForm(forms.Form):
    demand = forms.TypedChoiceField(label=_("Demand"), coerce=int)
    title = forms.CharField(label=_("Challenge title"), max_length=200)
    goals = _text(_("Goals"), 3000, help_text=_("What the solution must achieve, and by when."))
    indicators = _text(
        _("Technical indicators"), 3000, help_text=_("Measurable targets a proposal must commit to.")
    )
    reward_kind = forms.ChoiceField(label=_("Budget or prize"), choices=choices.RewardKind.choices)
    amount = _money(_("Amount (yuan)"))
    deadline = forms.DateTimeField(label=_("Deadline for proposals"), **DATETIME)
    eligibility = _text(_("Eligibility"), 2000, rows=3, help_text=_("Who may take up the challenge."))
    criteria = _text(
        _("Evaluation criteria and weights"),
        1000,
        rows=5,
        help_text=_("One criterion a line, as “name: weight”; the weights add up to 100."),
    )
    evaluation = forms.ChoiceField(label=_("Evaluated by"), choices=choices.Evaluation.choices)

    def __init__(self, *args, demands=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["demand"].choices = [(d.pk, f"{d.title} · {d.organization.name}") for d in demands]


class ProposalForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)
    approach = _text(_("Technical approach"), 5000, rows=6)
    indicators_response = _text(_("Indicators committed to"), 3000)
    team = _text(_("Team and track record"), 2000, rows=3, required=False)
    price = _money(_("Price asked (yuan)"))
    months = forms.IntegerField(label=_("Duration (months)"), min_value=1, max_value=120)
    files = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("PDF, JPEG, PNG or WebP; up to 5 files.")
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]


class ScoreForm(forms.Form):
    note = _text(_("Evaluation comments"), 2000, rows=3, required=False)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        fields = {}
        for i, c in enumerate(criteria):
            fields[f"score_{i}"] = forms.IntegerField(
                label=f"{c['name']}（{c['weight']}）", min_value=0, max_value=100
            )
        self.fields = {**fields, **self.fields}
        self.criteria = list(criteria)

    def scores(self) -> dict:
        return {str(i): self.cleaned_data[f"score_{i}"] for i in range(len(self.criteria))}


class AwardForm(forms.Form):
    proposals = forms.TypedMultipleChoiceField(
        label=_("Award to"), coerce=int, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def __init__(self, *args, proposals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(p.pk, p.organization.name) for p in proposals]


class NoAwardForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class PanelForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organised by"), coerce=int)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
