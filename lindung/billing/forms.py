import hashlib
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from lindung.money import parse_rupiah
from lindung.months import FIRST_ENTERED_MONTH, LAST_ENTERED_MONTH, add_months, entered_month, month_of, month_start
from lindung.programmes.models import Payer, PayerKind, Programme
from lindung.regions.models import Level, Region
from lindung.regions.services import districts_of, villages_of
from lindung.registry.models import Segment

DEFAULT_PROGRAMMES = ["JKK", "JKM"]


def current_month() -> str:
    return month_of(timezone.localdate())


def rupiah(amount: int) -> str:
    """Rp 1.275.170.400 in Indonesian, Rp 1,275,170,400 in English."""
    return f"Rp {number_format(amount, force_grouping=True)}"


class MonthField(forms.CharField):
    """A month written YYYY-MM (a month picker where the browser has one)."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "inputmode": "numeric"})

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("help_text", _("Written YYYY-MM, e.g. 2026-01."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if value:
            try:
                month_start(value)
            except ValueError:
                raise forms.ValidationError(_("Write the month as YYYY-MM, e.g. 2026-01."), code="month") from None
            try:
                entered_month(value)
            except ValueError:
                raise forms.ValidationError(
                    _("The month must be between %(first)s and %(last)s.")
                    % {"first": FIRST_ENTERED_MONTH, "last": LAST_ENTERED_MONTH}, code="month_range") from None
        return value


class AreaField(forms.ChoiceField):
    """Optional: one kecamatan or one village of the regency; cleans to the Region or None."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.choices = self.area_choices

    @staticmethod
    def area_choices():
        villages = list(villages_of())
        choices = [("", _("Whole regency"))]
        for district in districts_of():
            options = [(district.code, f"{district.name} — {_('whole district')}")]
            options += [(v.code, v.name) for v in villages if v.parent_id == district.code]
            choices.append((f"{_('Kecamatan')} {district.name}", options))
        return choices

    def clean(self, value):
        code = super().clean(value)
        return Region.objects.get(code=code) if code else None


class RunBillingForm(forms.Form):
    month = MonthField(label=_("Month"))


# Contributions may be paid ahead, but not by more than a year: an earlier date is a typing error (01-01-1900).
EARLIEST_PAYMENT_MONTHS_AHEAD = 12


class PaymentForm(forms.Form):
    amount = forms.CharField(
        label=_("Amount (Rp)"), max_length=30,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Whole rupiah, e.g. 1.000.000."),
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reference = forms.CharField(label=_("Reference (SP2D, transfer)"), max_length=200, required=False)
    area = AreaField(
        label=_("Only for this area"),
        help_text=_("Optional: only members billed in this kecamatan or village are paid."),
    )

    def __init__(self, *args, invoice, **kwargs):
        super().__init__(*args, **kwargs)
        self.invoice = invoice

    def clean_amount(self):
        try:
            amount = parse_rupiah(self.cleaned_data["amount"])
        except ValueError:
            raise forms.ValidationError(_("Write the amount in whole rupiah, e.g. 1.000.000.")) from None
        if amount <= 0:
            raise forms.ValidationError(_("The amount must be more than 0."))
        if amount > self.invoice.outstanding:
            raise forms.ValidationError(
                _("The payment of %(amount)s is more than the %(outstanding)s still owed on this invoice.")
                % {"amount": rupiah(amount), "outstanding": rupiah(self.invoice.outstanding)}
            )
        return amount

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("The payment date cannot be in the future."))
        earliest = month_start(add_months(self.invoice.month, -EARLIEST_PAYMENT_MONTHS_AHEAD))
        if paid_on < earliest:
            raise forms.ValidationError(
                _("A payment for %(month)s cannot have been made before %(earliest)s.")
                % {"month": self.invoice.month, "earliest": earliest.strftime("%d-%m-%Y")}
            )
        return paid_on


class ProgrammeChoices(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.choices = lambda: [(p.code, f"{p.code} — {p.name}") for p in Programme.objects.all()]


class EnrolForm(forms.Form):
    segments = forms.ModelMultipleChoiceField(
        label=_("Segments"), queryset=Segment.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every segment."),
    )
    area = AreaField(label=_("Kecamatan or village"))
    payer = forms.ModelChoiceField(label=_("Payer"), queryset=Payer.objects.filter(active=True), empty_label=None)
    programmes = ProgrammeChoices(label=_("Programmes"))
    start_month = MonthField(label=_("From month"))
    declared_income = forms.BooleanField(
        label=_("Contributions on declared income"), required=False,
        help_text=_("Off: on the minimum income basis, as regency-paid schemes report their members."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "programmes": DEFAULT_PROGRAMMES,
            "start_month": current_month(),
            "payer": Payer.objects.filter(kind=PayerKind.APBD, active=True).values_list("pk", flat=True).first(),
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)

    def clean_programmes(self):
        chosen = set(self.cleaned_data["programmes"])
        return [p.code for p in Programme.objects.all() if p.code in chosen]

    def people(self, people):
        """`people` (a Person queryset, already scoped) narrowed to the chosen segments and area."""
        data = self.cleaned_data
        if data["segments"]:
            people = people.filter(segment__in=data["segments"])
        area = data["area"]
        if area is not None:
            people = people.filter(village__code__startswith=f"{area.code}.") if area.level == Level.DISTRICT else people.filter(village=area)
        return people

    def fingerprint(self) -> str:
        """The choices as previewed: confirming anything else shows a new preview first."""
        data = self.cleaned_data
        parts = [
            ",".join(sorted(s.code for s in data["segments"])),
            data["area"].code if data["area"] else "",
            str(data["payer"].pk),
            ",".join(data["programmes"]),
            data["start_month"],
            "1" if data["declared_income"] else "0",
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


class StatementYearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("All years"))] + [(y, str(y)) for y in years]


def today() -> date:
    return timezone.localdate()
