"""Forms of annual reports and funded projects. Services hold the rules; forms parse input and keep it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import choices


class ReportForm(forms.Form):
    """All figures of a report, an explanation next to each pre-filled figure, and the texts.

    Figures are text inputs: the service parses them, so what was typed stays in the form when refused.
    """

    policy_text = forms.CharField(
        label=_("Implementation of policies"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6, "maxlength": 10000}),
        help_text=_(
            "Rules adopted, how income was distributed, rewards and equity incentives, problems and suggestions."
        ),
    )
    contact_name = forms.CharField(label=_("Contact person"), required=False, max_length=60)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=30)

    def __init__(self, *args, report, **kwargs):
        initial = {
            "policy_text": report.policy_text,
            "contact_name": report.contact_name,
            "contact_phone": report.contact_phone,
        }
        for f in choices.FIGURES:
            initial[f.key] = report.figures.get(f.key, "")
            if f.prefilled:
                initial[f"why_{f.key}"] = (report.explanations or {}).get(f.key, "")
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.report = report
        for f in choices.FIGURES:
            attrs = {
                "inputmode": "decimal" if f.is_money else "numeric",
                "class": "num",
                "autocomplete": "off",
            }
            field = forms.CharField(
                label=f.label, required=False, max_length=40, widget=forms.TextInput(attrs)
            )
            known = (report.prefilled or {}).get(f.key)
            if known is not None:
                field.help_text = _("Pre-filled from the platform's records: %(known)s") % {"known": known}
            self.fields[f.key] = field
            if f.prefilled:
                self.fields[f"why_{f.key}"] = forms.CharField(
                    label=_("Explanation if you correct this figure"),
                    required=False,
                    max_length=1000,
                    widget=forms.TextInput(attrs={"maxlength": 1000}),
                )

    def sections(self) -> list[dict]:
        out = []
        for code, label in choices.SECTIONS.items():
            rows = [
                {
                    "figure": f,
                    "field": self[f.key],
                    "why": self[f"why_{f.key}"] if f.prefilled else None,
                    "known": (self.report.prefilled or {}).get(f.key),
                }
                for f in choices.FIGURES
                if f.section == code
            ]
            if rows:
                out.append({"code": code, "label": label, "rows": rows})
        return out

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "figures": {f.key: data.get(f.key, "") for f in choices.FIGURES},
            "explanations": {f.key: data.get(f"why_{f.key}", "") for f in choices.FIGURES if f.prefilled},
            "policy_text": data.get("policy_text", ""),
            "contact_name": data.get("contact_name", ""),
            "contact_phone": data.get("contact_phone", ""),
        }


class ProjectForm(forms.Form):
    name = forms.CharField(label=_("Project name"), max_length=200)
    project_type = forms.ChoiceField(label=_("Type"), choices=choices.ProjectType.choices)
    counterpart = forms.CharField(label=_("Counterpart"), max_length=100)
    amount = forms.CharField(
        label=_("Amount (yuan)"), max_length=40, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("What must be corrected"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note (optional)"), max_length=2000, required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for reopening"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MarkReportForm(forms.Form):
    submitted_on = forms.DateField(
        label=_("Technology report submitted on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class LinkAchievementsForm(forms.Form):
    achievements = forms.TypedMultipleChoiceField(
        label=_("Achievements of this project"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, achievements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievements"].choices = [
            (a.pk, f"{a.title} ({a.get_status_display()})") for a in achievements
        ]
