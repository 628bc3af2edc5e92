"""Forms of events. Services hold the rules; forms parse input."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from keqiao.common.models import Region
from keqiao.negotiations.choices import DealMode

from . import choices

DATETIME = {
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
}


class EventForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organiser"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=choices.EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(
        label=_("Description"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4, "maxlength": 3000})
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        max_length=3000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 3000}),
    )
    audience = forms.CharField(label=_("Audience"), max_length=200, required=False)
    focus = forms.CharField(label=_("Fields in focus"), max_length=200, required=False)
    region = forms.ModelChoiceField(
        label=_("District or county"),
        queryset=Region.objects.exclude(kind=Region.Kind.CITY).order_by("sort_order", "code"),
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online_url = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")
    starts_at = forms.DateTimeField(label=_("Starts"), **DATETIME)
    ends_at = forms.DateTimeField(label=_("Ends"), **DATETIME)
    registration_opens = forms.DateTimeField(label=_("Registration opens"), required=False, **DATETIME)
    registration_closes = forms.DateTimeField(label=_("Registration closes"), required=False, **DATETIME)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1, max_value=100000)
    slots = forms.IntegerField(
        label=_("One-to-one meeting slots"),
        min_value=0,
        max_value=48,
        initial=0,
        help_text=_("0 for an event without one-to-one meetings."),
    )
    tables = forms.IntegerField(label=_("Tables"), min_value=0, max_value=500, initial=0)
    slot_minutes = forms.IntegerField(label=_("Minutes per meeting"), min_value=5, max_value=120, initial=20)
    meetings_start = forms.DateTimeField(label=_("First meeting slot starts"), required=False, **DATETIME)

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]


class RegisterForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)
    offer = forms.CharField(
        label=_("What we offer"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )
    seek = forms.CharField(
        label=_("What we seek"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )
    accepts_meetings = forms.BooleanField(
        label=_("Other participants may request meetings with me"), required=False, initial=True
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]


class ProfileForm(forms.Form):
    offer = forms.CharField(
        label=_("What we offer"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )
    seek = forms.CharField(
        label=_("What we seek"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )
    accepts_meetings = forms.BooleanField(
        label=_("Other participants may request meetings with me"), required=False
    )
    unavailable = forms.TypedMultipleChoiceField(
        label=_("Slots I am not available in"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unavailable"].choices = [
            (i, f"{timezone.localtime(start):%H:%M}–{timezone.localtime(end):%H:%M}")
            for i, (start, end) in enumerate(slots)
        ]


class MeetingRequestForm(forms.Form):
    invitee = forms.TypedChoiceField(label=_("Meet"), coerce=int)
    listing = forms.CharField(required=False, widget=forms.HiddenInput)
    priority = forms.TypedChoiceField(
        label=_("Priority"),
        coerce=int,
        initial=1,
        choices=[(3, _("Must meet")), (2, _("High")), (1, _("Normal")), (0, _("If there is time"))],
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )

    def __init__(self, *args, participants=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invitee"].choices = [(p.pk, p.organization.name) for p in participants]


class AnswerForm(forms.Form):
    meeting = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        choices=[("accept", _("Accept")), ("decline", _("Decline")), ("withdraw", _("Withdraw"))]
    )


class OutcomeForm(forms.Form):
    meeting = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=choices.Outcome.choices)
    mode = forms.ChoiceField(
        label=_("Mode of cooperation (for a negotiation)"),
        choices=DealMode.choices,
        initial=DealMode.JOINT_DEVELOPMENT,
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
    )


class CheckinForm(forms.Form):
    code = forms.CharField(
        label=_("Check-in code"),
        max_length=400,
        help_text=_("Scan the participant's QR code, or type the code printed under it (e.g. E12-P345)."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )


class ScheduleForm(forms.Form):
    time_limit = forms.IntegerField(label=_("Time limit (seconds)"), min_value=1, max_value=60, initial=20)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500})
    )
