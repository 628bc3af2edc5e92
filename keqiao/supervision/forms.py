"""Forms of task supervision. Services hold the rules; forms parse input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ProgressStatus
from .services import MAX_ATTACHMENTS, MAX_FIGURES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the pattern from Django's documentation)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ReportForm(forms.Form):
    text = forms.CharField(
        label=_("Progress made"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": 4000}),
        help_text=_("What was done in the period, what is planned next, and any difficulty."),
    )
    status = forms.ChoiceField(
        label=_("Self-assessed status"), choices=ProgressStatus.choices, widget=forms.RadioSelect
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, JPEG, PNG or WebP; at most %(n)d files per report.") % {"n": MAX_ATTACHMENTS},
    )

    def __init__(self, *args, attachments=(), **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(MAX_FIGURES):
            self.fields[f"figure_name_{i}"] = forms.CharField(
                label=_("Figure"), max_length=60, required=False, widget=forms.TextInput(attrs={"size": 24})
            )
            self.fields[f"figure_value_{i}"] = forms.DecimalField(
                label=_("Value"),
                max_digits=16,
                decimal_places=2,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 12}),
            )
            self.fields[f"figure_unit_{i}"] = forms.CharField(
                label=_("Unit"), max_length=20, required=False, widget=forms.TextInput(attrs={"size": 6})
            )
        self.attachments = list(attachments)
        if self.attachments:
            self.fields["remove_attachments"] = forms.TypedMultipleChoiceField(
                label=_("Remove attachments"),
                coerce=int,
                required=False,
                choices=[(a.pk, a.original_name) for a in self.attachments],
                widget=forms.CheckboxSelectMultiple,
            )

    @staticmethod
    def initial_for(report) -> dict:
        initial = {"text": report.text, "status": report.status}
        for i, f in enumerate(report.figures.all()):
            initial.update(
                {f"figure_name_{i}": f.name, f"figure_value_{i}": f.value, f"figure_unit_{i}": f.unit}
            )
        return initial

    @property
    def figure_rows(self):
        return [
            (self[f"figure_name_{i}"], self[f"figure_value_{i}"], self[f"figure_unit_{i}"])
            for i in range(MAX_FIGURES)
        ]

    def figures(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "name": data.get(f"figure_name_{i}") or "",
                "value": data.get(f"figure_value_{i}"),
                "unit": data.get(f"figure_unit_{i}") or "",
            }
            for i in range(MAX_FIGURES)
        ]

    def clean(self):
        cleaned = super().clean()
        for i in range(MAX_FIGURES):
            name, value = cleaned.get(f"figure_name_{i}"), cleaned.get(f"figure_value_{i}")
            if value is not None and not name:
                self.add_error(f"figure_name_{i}", _("Every figure needs a name."))
            if name and value is None and f"figure_value_{i}" not in self.errors:
                self.add_error(f"figure_value_{i}", _("Give the figure's value."))
        return cleaned


class ConsolidationForm(forms.Form):
    summary = forms.CharField(
        label=_("Consolidated summary"),
        max_length=6000,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": 6000}),
        help_text=_("The task's overall progress in the period, drawn from the departments' reports."),
    )
    status = forms.ChoiceField(
        label=_("Overall status"), choices=ProgressStatus.choices, widget=forms.RadioSelect
    )
    mark_missing = forms.BooleanField(
        label=_("Record the co-departments that have not reported as not reported"), required=False
    )
