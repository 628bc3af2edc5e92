"""Forms of the deal room and of contract registration. Services hold the rules; forms parse input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import choices


class InterestForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)
    mode = forms.ChoiceField(label=_("Cooperation mode in mind"), choices=choices.DealMode.choices)
    message = forms.CharField(
        label=_("Message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        help_text=_("What interests you, what you would use it for, and what you would like to discuss."),
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


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


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 5000})
    )
    files = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("PDF, JPEG, PNG or WebP; up to 5 files.")
    )
    reply_to = forms.IntegerField(required=False, widget=forms.HiddenInput)


class MeetingForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Date and time"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_link = forms.URLField(
        label=_("Online meeting link"), max_length=200, required=False, assume_scheme="https"
    )
    agenda = forms.CharField(label=_("Agenda"), max_length=500, required=False)


class OfferForm(forms.Form):
    price = forms.DecimalField(label=_("Price (yuan)"), max_digits=14, decimal_places=2, min_value=0)
    payment_method = forms.ChoiceField(label=_("Payment terms"), choices=choices.PaymentMethod.choices)
    payment_note = forms.CharField(label=_("Payment details"), max_length=300, required=False)
    mode = forms.ChoiceField(label=_("Mode"), choices=choices.DealMode.choices)
    territory = forms.CharField(label=_("Territory"), max_length=100, required=False)
    duration_months = forms.IntegerField(
        label=_("Duration (months)"), min_value=1, max_value=600, required=False
    )
    note = forms.CharField(
        label=_("Other terms"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    replaces = forms.IntegerField(required=False, widget=forms.HiddenInput)


class InviteForm(forms.Form):
    broker = forms.TypedChoiceField(label=_("Broker or service agency staff"), coerce=int)

    def __init__(self, *args, brokers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["broker"].choices = [(u.pk, label) for u, label in brokers]
