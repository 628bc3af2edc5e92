"""Forms of the readiness walk-through, its confirmation, and the valuation workbench."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keqiao.common.choices import TRL_CHOICES

from . import trl


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
    level = forms.TypedChoiceField(label=_("Level"), choices=TRL_CHOICES, coerce=int)
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
