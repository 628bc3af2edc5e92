"""Forms of the import wizard: the upload, and the column mapping (one choice per column of the file)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keqiao.accounts.models import Organization

from .choices import RecordKind
from .layouts import columns_of


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("The file holds"), choices=RecordKind.choices)
    source_name = forms.CharField(
        label=_("Source"),
        max_length=100,
        help_text=_(
            "Where the file comes from, e.g. 四川科创通 export; the column mapping is remembered per source."
        ),
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Leave empty when a column names each row's organisation."),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(".xlsx, .csv (UTF-8 or GB18030) or .json, in the template's layout or your own."),
    )

    def __init__(self, *args, organizations=None, bureau=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv,.json"
        if bureau:
            self.fields["organization"].queryset = Organization.objects.filter(
                status=Organization.Status.VERIFIED
            ).order_by("name")
        else:
            self.fields["organization"].queryset = Organization.objects.filter(
                pk__in=[o.pk for o in organizations or []]
            ).order_by("name")
            self.fields["organization"].required = True
            self.fields["organization"].help_text = ""
            if organizations is not None and len(organizations) == 1:
                self.fields["organization"].initial = organizations[0]


class ReplaceForm(forms.Form):
    file = forms.FileField(label=_("Corrected file"))


class MappingForm(forms.Form):
    """One select per column of the file: the field it fills, or nothing."""

    def __init__(self, *args, batch, bureau: bool, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— leave out —"))] + [
            (c.name, f"{c.label}{' *' if c.required else ''}") for c in columns_of(batch.kind, bureau=bureau)
        ]
        samples = batch.rows[:3]
        for position, header in enumerate(batch.headers):
            example = "；".join(row[position] for row in samples if position < len(row) and row[position])[
                :80
            ]
            self.fields[f"col_{position}"] = forms.ChoiceField(
                label=header or _("(column without a name)"),
                choices=choices,
                required=False,
                initial=batch.mapping.get(str(position), ""),
                help_text=example,
            )

    def mapping(self) -> dict[str, str]:
        return {key.removeprefix("col_"): value for key, value in self.cleaned_data.items() if value}
