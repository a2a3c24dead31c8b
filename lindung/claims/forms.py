from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lindung.claims import checklist
from lindung.claims.benefits import LEVELS
from lindung.claims.models import ClaimStatus, Incident, IncidentKind
from lindung.forms import phone_digits

LEVEL_CHOICES = [
    ("", _("— no child at school —")),
    ("kindergarten", _("kindergarten (TK) or not yet at school")),
    ("primary", _("primary school (SD)")),
    ("junior_high", _("junior high school (SMP)")),
    ("senior_high", _("senior high school (SMA/SMK)")),
    ("university", _("university or training")),
]
assert [c for c, _label in LEVEL_CHOICES[1:]] == list(LEVELS)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class IncidentForm(forms.ModelForm):
    child_1 = forms.ChoiceField(label=_("First child: school level"), choices=LEVEL_CHOICES, required=False)
    child_1_years = forms.IntegerField(label=_("First child: years left at this level"), min_value=0, max_value=6,
                                       required=False, help_text=_("Empty: the whole level."))
    child_2 = forms.ChoiceField(label=_("Second child: school level"), choices=LEVEL_CHOICES, required=False)
    child_2_years = forms.IntegerField(label=_("Second child: years left at this level"), min_value=0, max_value=6,
                                       required=False, help_text=_("Empty: the whole level."))
    end_memberships = forms.BooleanField(
        label=_("End the memberships from the month of death (no more contributions)"), required=False, initial=True,
    )

    class Meta:
        model = Incident
        fields = ["kind", "occurred_on", "place", "circumstances", "contact_name", "contact_relation",
                  "contact_phone", "incapacity_months", "disability_percent"]
        widgets = {
            "kind": forms.RadioSelect,
            "occurred_on": DATE,
            "circumstances": forms.Textarea(attrs={"rows": 3}),
            "contact_phone": forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "off"}),
        }
        help_texts = {
            "contact_name": _("For a death: the heir (spouse, child or parent). For an injury: the worker or who looks after them."),
            "incapacity_months": _("Work accident only, when known."),
            "disability_percent": _("Work accident only: the percentage of the disability table, when known."),
        }

    def __init__(self, *args, person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person
        self.fields["kind"].choices = IncidentKind.choices

    def clean_occurred_on(self):
        day = self.cleaned_data["occurred_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of the incident cannot be in the future."))
        if self.person is not None and day < self.person.birth_date:
            raise forms.ValidationError(_("The date of the incident is before the worker's birth date."))
        return day

    def clean_contact_phone(self):
        refused = forms.ValidationError(_("A phone number has 8 to 15 digits."))
        try:
            phone = phone_digits(self.cleaned_data.get("contact_phone") or "")
        except ValueError:
            raise refused from None
        if phone and not 8 <= len(phone.lstrip("+")) <= 15:
            raise refused
        return phone or None

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        injury = kind == IncidentKind.WORK_ACCIDENT
        children = []
        for number in (1, 2):
            level = data.get(f"child_{number}")
            if level:
                children.append([level, data.get(f"child_{number}_years")])
        if injury and children:
            self.add_error("child_1", _("Scholarships are for children of a worker who died."))
        if not injury:
            for name in ("incapacity_months", "disability_percent"):
                if data.get(name) is not None:
                    self.add_error(name, _("Only for a work accident."))
        percent = data.get("disability_percent")
        if percent is not None and not 0 < percent <= 100:
            self.add_error("disability_percent", _("A percentage between 0 and 100."))
        data["children"] = children
        return data


class DocumentForm(forms.Form):
    code = forms.ChoiceField(label=_("Document"))
    file = forms.FileField(label=_("Scan or photo (PDF, JPEG or PNG)"),
                           widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}))

    def __init__(self, *args, incident, **kwargs):
        super().__init__(*args, **kwargs)
        language = get_language() or "id"
        self.fields["code"].choices = [
            (d.code, d.label(language)) for d in checklist.required_documents(incident.kind, incident.occurred_on)
        ]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=[c for c in ClaimStatus.choices if c[0] != "reported"])
    on = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.IntegerField(label=_("Amount paid (Rp)"), min_value=1, required=False)
    reason = forms.CharField(label=_("Reason for rejection or note"), max_length=300, required=False)


class StatusFileForm(forms.Form):
    file = forms.FileField(
        label=_("Status file from BPJS (CSV or XLSX)"),
        help_text=_("Columns: claim number (or NIK), status, amount paid, date, reason."),
    )
