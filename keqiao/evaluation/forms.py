"""Forms of the readiness walk-through, its confirmation, and the valuation workbench."""

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from keqiao.common.choices import TRL_CHOICES, TechField
from keqiao.contracts import choices as contract_choices

from . import choices, engine, trl


class WalkForm(forms.Form):
    """One checkbox and one statement per level, and the overall justification."""

    justification = forms.CharField(
        label=_("Justification of the level reached"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, assessment=None, **kwargs):
        initial = kwargs.setdefault("initial", {})
        if assessment is not None:
            initial.setdefault("justification", assessment.justification)
            for row in assessment.answers.all():
                initial.setdefault(f"met_{row.level}", row.met)
                initial.setdefault(f"statement_{row.level}", row.statement)
        super().__init__(*args, **kwargs)
        for level in trl.LEVELS:
            self.fields[f"met_{level.number}"] = forms.BooleanField(
                label=_("The criteria of this level are met"), required=False
            )
            self.fields[f"statement_{level.number}"] = forms.CharField(
                label=_("How they are met"),
                required=False,
                max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def answers(self) -> dict[int, dict]:
        d = self.cleaned_data
        return {n: {"met": d.get(f"met_{n}"), "statement": d.get(f"statement_{n}", "")} for n in range(1, 10)}

    def levels(self):
        """(level, met field, statement field) for the template."""
        return [(lv, self[f"met_{lv.number}"], self[f"statement_{lv.number}"]) for lv in trl.LEVELS]


class EvidenceForm(forms.Form):
    level = forms.TypedChoiceField(label=pgettext_lazy("readiness", "Level"), choices=TRL_CHOICES, coerce=int)
    file = forms.FileField(label=_("Evidence file (PDF or picture)"))


class ConfirmForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Confirmed level"), choices=TRL_CHOICES, coerce=int)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when the confirmed level differs from the holder's."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for n in range(1, 10):
            self.fields[f"comment_{n}"] = forms.CharField(
                label=_("Comment on level %(n)d") % {"n": n}, required=False, max_length=2000
            )

    def level_comments(self) -> dict[int, str]:
        return {n: self.cleaned_data.get(f"comment_{n}", "") for n in range(1, 10)}

    def level_fields(self):
        return [(lv, self[f"comment_{lv.number}"]) for lv in trl.LEVELS]


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What the holder should change"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


DEFAULTS = {
    "revenue": {"kind": "triangular", "low": "500000", "mode": "1000000", "high": "2000000"},
    "growth": {"kind": "fixed", "mode": "5"},
    "royalty": {"kind": "uniform", "low": "3", "high": "6"},
    "life": {"kind": "triangular", "low": "5", "mode": "7", "high": "10"},
    "discount": {"kind": "fixed", "mode": "10"},
    "tax": {"kind": "fixed", "mode": "25"},
    "dev_cost": {"kind": "fixed", "mode": "0"},
    "reproduction_cost": {"kind": "fixed", "mode": "0"},
    "obsolescence": {"kind": "fixed", "mode": "0"},
}


class ValuationForm(forms.Form):
    """Every number is taken as typed (text) and checked by the engine, so a refused value stays in its box
    with the message beside it."""

    title = forms.CharField(label=_("Title"), max_length=200)
    organization = forms.TypedChoiceField(label=_("For organisation"), coerce=int)
    achievement = forms.TypedChoiceField(
        label=_("Achievement valued"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("When its readiness level is confirmed, the valuation uses the confirmed level."),
    )
    trl = forms.TypedChoiceField(
        label=_("Readiness level (TRL)"), choices=TRL_CHOICES, coerce=str, initial="4"
    )
    tech_field = forms.ChoiceField(label=_("Market comparables: technology field"), required=False)
    contract_type = forms.ChoiceField(label=_("Contract type"), required=False)
    ip_type = forms.ChoiceField(label=_("Intellectual property form"), required=False)
    draws = forms.CharField(label=_("Monte Carlo draws"), initial="10000", max_length=12)
    seed = forms.CharField(label=_("Random seed"), max_length=12)

    def __init__(self, *args, organizations=(), achievements=(), **kwargs):

        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]
        self.fields["achievement"].choices = [("", "—")] + [(a.pk, a.title) for a in achievements]
        self.fields["tech_field"].choices = [("", "—"), *TechField.choices]
        self.fields["contract_type"].choices = [("", _("Any")), *contract_choices.ContractType.choices]
        self.fields["ip_type"].choices = [("", _("Any")), *contract_choices.IPType.choices]
        for p in engine.PARAMETERS:
            self.fields[f"{p.name}_kind"] = forms.ChoiceField(
                label=p.label, choices=choices.Distribution.choices, initial=DEFAULTS[p.name]["kind"]
            )
            for part in engine.PARTS:
                self.fields[f"{p.name}_{part}"] = forms.CharField(
                    label=format_lazy("{} · {}", p.label, PART_LABELS[part]),
                    required=False,
                    max_length=30,
                    initial=DEFAULTS[p.name].get(part, ""),
                )

    def inputs(self) -> dict:
        d = self.cleaned_data
        raw = {
            p.name: {"kind": d.get(f"{p.name}_kind")}
            | {part: d.get(f"{p.name}_{part}", "") for part in engine.PARTS}
            for p in engine.PARAMETERS
        }
        return raw | {"trl": d.get("trl"), "draws": d.get("draws"), "seed": d.get("seed")}

    def market(self) -> dict:
        return {k: self.cleaned_data.get(k, "") for k in ("tech_field", "contract_type", "ip_type")}

    def rows(self):
        """(parameter, kind field, [part fields]) for the table of inputs."""
        return [
            (p, self[f"{p.name}_kind"], [self[f"{p.name}_{part}"] for part in engine.PARTS])
            for p in engine.PARAMETERS
        ]

    @staticmethod
    def initial_from(valuation) -> dict:
        """The form's values as they were typed, from a saved valuation."""
        inputs = valuation.inputs
        initial = {
            "title": valuation.title,
            "organization": valuation.organization_id,
            "achievement": valuation.achievement_id,
            "trl": inputs.get("trl"),
            "draws": inputs.get("draws"),
            "seed": inputs.get("seed"),
        }
        initial.update(
            {k: (inputs.get("market") or {}).get(k, "") for k in ("tech_field", "contract_type", "ip_type")}
        )
        for p in engine.PARAMETERS:
            item = inputs.get(p.name) or {}
            initial[f"{p.name}_kind"] = item.get("kind")
            for part in engine.PARTS:
                initial[f"{p.name}_{part}"] = item.get(part) or ""
        return initial


PART_LABELS = {
    "low": _("low"),
    "mode": _("value / most likely / mean / median"),
    "high": _("high"),
    "spread": _("standard deviation"),
}


class ShareForm(forms.Form):
    deal = forms.TypedChoiceField(label=_("Negotiation room"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, deals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deal"].choices = [("", _("Not shared"))] + [
            (d.pk, f"{d.listing.title} · {d.initiator.name} / {d.counterpart.name}") for d in deals
        ]
