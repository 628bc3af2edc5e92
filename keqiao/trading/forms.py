"""Forms of listed trading. Services hold the rules; forms parse input."""

from django import forms
from django.utils.translation import gettext_lazy as _

from keqiao.negotiations.choices import DealMode, PaymentMethod
from keqiao.negotiations.forms import MultipleFileField

DATETIME = {
    "widget": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "input_formats": ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
}


def _money(label, **kwargs):
    return forms.DecimalField(label=label, max_digits=14, decimal_places=2, **kwargs)


class AuctionForm(forms.Form):
    achievement = forms.TypedChoiceField(label=_("Achievement"), coerce=int)
    mode = forms.ChoiceField(label=_("Transfer mode"), choices=DealMode.choices)
    payment_method = forms.ChoiceField(label=_("Payment terms"), choices=PaymentMethod.choices)
    starting_price = _money(_("Starting price (yuan)"))
    increment = _money(_("Bid increment (yuan)"))
    reserve_price = _money(_("Reserve price (yuan)"), help_text=_("Below it there is no sale; 0 for none."))
    reserve_visible = forms.BooleanField(label=_("Show the reserve price to bidders"), required=False)
    deposit = _money(
        _("Deposit (yuan)"),
        required=False,
        help_text=_("Recorded by the organiser, not collected by the platform."),
    )
    starts_at = forms.DateTimeField(label=_("Bidding starts"), **DATETIME)
    ends_at = forms.DateTimeField(label=_("Bidding ends"), **DATETIME)
    extension_minutes = forms.IntegerField(
        label=_("Extension (minutes)"),
        min_value=1,
        max_value=60,
        initial=5,
        help_text=_("A bid in the last N minutes extends the end by N minutes."),
    )
    conditions = forms.CharField(
        label=_("Conditions for bidders and rules"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
    )

    def __init__(self, *args, achievements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievement"].choices = [(a.pk, a.title) for a in achievements]


class RegisterForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)
    statement = forms.CharField(
        label=_("Qualification statement"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 500}),
        help_text=_("How your organisation meets the conditions; how the deposit was or will be paid."),
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]


class DecideForm(forms.Form):
    bidder = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("accept", _("Admit")), ("refuse", _("Do not admit"))])
    note = forms.CharField(label=_("Deposit record or reason"), max_length=200, required=False)


class BidForm(forms.Form):
    amount = _money(_("Your bid (yuan)"))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class NoticeForm(forms.Form):
    pricing_basis = forms.CharField(
        label=_("Pricing basis"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
        help_text=_("The valuation or pricing dossier behind the price, or the method used."),
    )
    valuation = forms.TypedChoiceField(
        label=_("Valuation cited"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("A valuation shared into the negotiation room; its title is shown on the notice."),
    )
    notice_days = forms.IntegerField(label=_("Notice period (days)"), min_value=5, max_value=60)

    def __init__(self, *args, valuations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["valuation"].choices = [("", _("None"))] + [(v.pk, v.title) for v in valuations]


class ObjectionForm(forms.Form):
    reasons = forms.CharField(
        label=_("Reasons"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4, "maxlength": 3000})
    )
    files = MultipleFileField(
        label=_("Attachments"), required=False, help_text=_("PDF, JPEG, PNG or WebP; up to 5 files.")
    )


class AnswerForm(forms.Form):
    objection = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.CharField(label=_("Answer"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ListingForm(forms.Form):
    achievement = forms.TypedChoiceField(label=_("Achievement"), coerce=int)
    mode = forms.ChoiceField(label=_("Transfer mode"), choices=DealMode.choices)
    payment_method = forms.ChoiceField(label=_("Payment terms"), choices=PaymentMethod.choices)
    price = _money(_("Listing price (yuan)"))
    period_days = forms.IntegerField(
        label=_("Listing period (working days)"),
        min_value=1,
        max_value=60,
        initial=20,
        help_text=_("Counted in working days: public holidays are skipped, exchanged weekend days count."),
    )
    deposit = _money(
        _("Deposit (yuan)"),
        required=False,
        help_text=_("Recorded by the holder, not collected by the platform."),
    )
    conditions = forms.CharField(
        label=_("Conditions for buyers"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 2000}),
    )
    auction_increment = _money(
        _("Bid increment if several buyers qualify (yuan)"),
        help_text=_("Several qualified buyers bid from the listing price in this step."),
    )
    auction_hours = forms.IntegerField(
        label=_("Bidding time if several buyers qualify (hours)"), min_value=1, max_value=168, initial=24
    )
    relist_price = _money(
        _("Relist at this price if nobody qualifies (yuan)"),
        required=False,
        help_text=_("Leave empty to close the listing instead; you may still relist it later."),
    )

    def __init__(self, *args, achievements=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["achievement"].choices = [(a.pk, a.title) for a in achievements]


class IntentionForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("On behalf of"), coerce=int)
    qualification = forms.CharField(
        label=_("Qualification"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 1000}),
        help_text=_(
            "How your organisation meets the conditions for buyers; how the deposit was or will be paid."
        ),
    )

    def __init__(self, *args, organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [(o.pk, o.name) for o in organizations]


class QualifyForm(forms.Form):
    intention = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("accept", _("Qualified")), ("refuse", _("Not qualified"))])
    note = forms.CharField(label=_("Deposit record or reason"), max_length=200, required=False)


class RelistForm(forms.Form):
    price = _money(_("New listing price (yuan)"))
