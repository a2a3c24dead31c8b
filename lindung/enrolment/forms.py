"""Forms of the enrolment screens: targeting under a budget, BPJS response files, budget lines, eligibility
policies, the yearly renewal and ending a person's membership."""
import hashlib
from pathlib import Path

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lindung.billing.forms import DEFAULT_PROGRAMMES, MonthField, ProgrammeChoices, current_month, rupiah
from lindung.enrolment.models import EligibilityPolicy
from lindung.money import parse_rupiah
from lindung.programmes.models import Payer, PayerKind, Programme
from lindung.registry.models import Segment

MAX_MONTHS = 60
RESPONSE_SUFFIXES = (".csv", ".xlsx", ".xls", ".ods")
NUMERIC = {"inputmode": "numeric", "autocomplete": "off"}


def default_payer():
    return Payer.objects.filter(kind=PayerKind.APBD, active=True).values_list("pk", flat=True).first()


def this_year() -> int:
    return timezone.localdate().year


class RupiahField(forms.CharField):
    """Whole Rupiah, written as people write it: 10.000.000.000, 10,000,000,000, Rp 10 000 000 000."""

    def __init__(self, *, minimum: int = 0, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs=NUMERIC))
        kwargs.setdefault("help_text", _("Whole rupiah, e.g. 1.000.000."))
        self.minimum = minimum
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            amount = parse_rupiah(value)
        except ValueError:
            raise forms.ValidationError(_("Write the amount in whole rupiah, e.g. 1.000.000."), code="rupiah") from None
        if amount < self.minimum:
            raise forms.ValidationError(
                _("The amount must be at least %(minimum)s.") % {"minimum": rupiah(self.minimum)}, code="minimum")
        return amount


class YearField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("widget", forms.NumberInput(attrs=NUMERIC))
        super().__init__(**kwargs)


class PayerField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Payer.objects.filter(active=True))
        kwargs.setdefault("empty_label", None)
        super().__init__(**kwargs)


# Targeting ------------------------------------------------------------------------------------------


class TargetForm(forms.Form):
    """What to spend, for how long, from when, paid by whom, for which programmes."""

    budget = RupiahField(label=_("Budget (Rp)"), minimum=1, help_text=_("Whole rupiah, e.g. 10.000.000.000."))
    months = forms.IntegerField(
        label=_("Months"), min_value=1, max_value=MAX_MONTHS, widget=forms.NumberInput(attrs=NUMERIC),
        help_text=_("How many months the budget pays for each person, e.g. 12."),
    )
    start_month = MonthField(label=_("From month"))
    payer = PayerField(label=_("Payer"))
    programmes = ProgrammeChoices(label=_("Programmes"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {
            "months": 12, "start_month": current_month(), "payer": default_payer(), "programmes": DEFAULT_PROGRAMMES,
            **kwargs["initial"],
        }
        super().__init__(*args, **kwargs)

    def clean_programmes(self):
        chosen = set(self.cleaned_data["programmes"])
        return [p.code for p in Programme.objects.all() if p.code in chosen]

    def fingerprint(self, preview) -> str:
        """The choices and the ranking as previewed: committing anything else shows a new preview first."""
        data = self.cleaned_data
        parts = [str(data["budget"]), str(data["months"]), data["start_month"], str(data["payer"].pk),
                 ",".join(data["programmes"]), preview.fingerprint]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


class CommitForm(forms.Form):
    """Shown under a preview: a note kept on the batch and, when the budget is exceeded, the officer's consent."""

    note = forms.CharField(
        label=_("Note"), max_length=300, required=False,
        help_text=_("Optional: the decision or letter behind this batch."),
    )
    allow_over_budget = forms.BooleanField(label=_("I accept going over the allocation"), required=False)


# BPJS response files --------------------------------------------------------------------------------


class ResponseUploadForm(forms.Form):
    file = forms.FileField(label=_("BPJS response file (CSV, XLSX, XLS or ODS)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in RESPONSE_SUFFIXES:
            raise forms.ValidationError(_("Only CSV, XLSX, XLS and ODS files can be read."))
        if upload.size > settings.LINDUNG_UPLOAD_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.LINDUNG_UPLOAD_MAX_MB})
        return upload


# Budget ---------------------------------------------------------------------------------------------


class BudgetYearForm(forms.Form):
    year = YearField(label=_("Fiscal year"), required=False)


class BudgetLineForm(forms.Form):
    """A payer's allocation for a fiscal year and programme: a new line, or a new amount for an existing one."""

    payer = forms.ModelChoiceField(label=_("Payer"), queryset=Payer.objects.all(), empty_label=None)
    fiscal_year = YearField(label=_("Fiscal year"))
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.all(), empty_label=None)
    amount = RupiahField(label=_("Allocation (Rp)"))
    reference = forms.CharField(
        label=_("Budget document"), max_length=200, required=False,
        help_text=_("e.g. DPA Disnaker 2026, Perbup 12/2026."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"payer": default_payer(), "fiscal_year": this_year(), **kwargs["initial"]}
        super().__init__(*args, **kwargs)


# Eligibility policy ---------------------------------------------------------------------------------


class SegmentChoices(forms.ModelMultipleChoiceField):
    """Segments with their codes, which the priority list is written in: 'Petani (farmer)'."""

    def label_from_instance(self, obj):
        return f"{obj.label} ({obj.code})"


class SegmentCodes(forms.CharField):
    """Segment codes separated by commas, in order: 'farmer, fisher'."""

    def clean(self, value):
        value = super().clean(value)
        codes = [code.strip().lower() for code in (value or "").split(",") if code.strip()]
        known = set(Segment.objects.values_list("code", flat=True))
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise forms.ValidationError(
                _("Unknown segment codes: %(codes)s. Known: %(known)s.")
                % {"codes": ", ".join(unknown), "known": ", ".join(sorted(known))}, code="unknown")
        if len(set(codes)) != len(codes):
            raise forms.ValidationError(_("Name each segment once."), code="repeated")
        return codes


class PolicyForm(forms.Form):
    """A new eligibility policy from a date on; the policies before it stay as they were."""

    effective_from = forms.DateField(
        label=_("Effective from"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    age_min = forms.IntegerField(label=_("Youngest age at enrolment"), min_value=0, max_value=100,
                                 widget=forms.NumberInput(attrs=NUMERIC))
    age_max = forms.IntegerField(label=_("Oldest age at enrolment"), min_value=0, max_value=100,
                                 widget=forms.NumberInput(attrs=NUMERIC))
    source = forms.CharField(label=_("Decision or source"), max_length=300,
                             help_text=_("e.g. Perbup Bekasi 12/2026, or the minutes of a meeting."))
    segments = SegmentChoices(
        label=_("Segments in scope"), queryset=Segment.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every segment."),
    )
    segment_priority = SegmentCodes(
        label=_("Segments, most urgent first"), required=False,
        help_text=_("Segment codes separated by commas, e.g. farmer, fisher. Within a welfare decile, these come first."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        current = EligibilityPolicy.objects.filter(effective_from__lte=timezone.localdate()).first()
        if current is not None:
            kwargs["initial"] = {
                "age_min": current.age_min, "age_max": current.age_max, "segments": current.segments,
                "segment_priority": ", ".join(current.segment_priority), **kwargs["initial"],
            }
        super().__init__(*args, **kwargs)

    def clean_effective_from(self):
        day = self.cleaned_data["effective_from"]
        if EligibilityPolicy.objects.filter(effective_from=day).exists():
            raise forms.ValidationError(
                _("A policy already takes effect on this day; a new decision needs a day of its own."))
        return day

    def clean(self):
        data = super().clean()
        if data.get("age_min") is not None and data.get("age_max") is not None and data["age_min"] > data["age_max"]:
            self.add_error("age_max", _("The oldest age cannot be below the youngest."))
        segments = data.get("segments")
        priority = data.get("segment_priority")
        if segments and priority:
            outside = [code for code in priority if code not in {s.code for s in segments}]
            if outside:
                self.add_error("segment_priority", _("Not among the segments in scope: %(codes)s.")
                               % {"codes": ", ".join(outside)})
        return data


# Renewal --------------------------------------------------------------------------------------------


class RenewForm(forms.Form):
    payer = PayerField(label=_("Payer"))
    year = YearField(label=_("Year to renew for"))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"payer": default_payer(), "year": this_year() + 1, **kwargs["initial"]}
        super().__init__(*args, **kwargs)

    def fingerprint(self) -> str:
        data = self.cleaned_data
        return hashlib.sha256(f"{data['payer'].pk}|{data['year']}".encode()).hexdigest()[:32]


# Ending a membership (person page) ------------------------------------------------------------------


class EndMembershipForm(forms.Form):
    """End a person's memberships: why, and the last month they are protected."""

    programme = forms.ChoiceField(label=_("Programme"), required=False)
    reason = forms.ChoiceField(label=_("Reason"))
    last_month = MonthField(label=_("Last month of membership"))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, memberships=(), reasons=(), **kwargs):
        kwargs.setdefault("initial", {})
        kwargs["initial"] = {"last_month": current_month(), **kwargs["initial"]}
        super().__init__(*args, **kwargs)
        codes = list(dict.fromkeys(m.programme_id for m in memberships))  # memberships come in programme order
        self.fields["programme"].choices = [("", _("Every programme"))] + [(c, c) for c in codes]
        self.fields["reason"].choices = list(reasons)
