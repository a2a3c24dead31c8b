from datetime import date

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lindung.forms import phone_digits
from lindung.regions.services import known_district_codes, villages_of
from lindung.registry.models import Person, Segment
from lindung.registry.nik import check_nik, clean_nik


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, village):
        return f"{village.name}, {village.parent.name}"


class PersonForm(forms.ModelForm):
    """Correcting a person's record. The village list holds only villages the user may serve."""

    nik = forms.CharField(label=_("NIK"), max_length=40)
    kk = forms.CharField(label=_("Family card number (KK)"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)

    class Meta:
        model = Person
        fields = ["nik", "kk", "full_name", "birth_place", "birth_date", "sex", "village", "address", "phone",
                  "segment", "occupation", "income", "welfare_decile"]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        villages = villages_of().select_related("parent")
        if not user.has_perm("registry.view_all_areas"):
            villages = villages.filter(code__in=user.villages.values("code"))
        self.fields["village"] = VillageChoiceField(queryset=villages, label=_("Village of residence"))
        self.fields["segment"].queryset = Segment.objects.all()
        self.fields["welfare_decile"].widget.attrs.update(min=1, max=10)
        self.fields["income"].widget.attrs.update(min=0, step=1000)

    def clean_nik(self):
        nik, errors = clean_nik(self.cleaned_data["nik"])
        if errors:
            raise forms.ValidationError([e.message(_language()) for e in errors])
        return nik

    def clean_kk(self):
        value = self.cleaned_data["kk"].strip()
        if not value:
            return None
        kk, errors = clean_nik(value)
        if errors:
            raise forms.ValidationError(_("A family card number has 16 digits, like a NIK."))
        return kk

    def clean_phone(self):
        refused = forms.ValidationError(_("A mobile number starts with 08 and has 10 to 13 digits."))
        try:
            phone = phone_digits(self.cleaned_data["phone"])
        except ValueError:
            raise refused from None
        if phone.startswith("+62"):
            phone = "0" + phone[3:]
        if phone and not (phone.startswith("08") and 10 <= len(phone) <= 13):
            raise refused
        return phone or None

    def clean_income(self):
        income = self.cleaned_data["income"]
        if income is not None and income < 0:
            raise forms.ValidationError(_("The income cannot be negative."))
        return income

    def clean_welfare_decile(self):
        decile = self.cleaned_data["welfare_decile"]
        if decile is not None and not 1 <= decile <= 10:
            raise forms.ValidationError(_("The welfare decile is a number from 1 to 10."))
        return decile

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born and born > date.today():
            raise forms.ValidationError(_("The birth date cannot be in the future."))
        return born

    def clean(self):
        data = super().clean()
        if data.get("nik") and data.get("birth_date") and data.get("sex"):
            result = check_nik(data["nik"], known_districts=known_district_codes(),
                               declared_birth_date=data["birth_date"], declared_sex=data["sex"])
            for error in result.errors:
                self.add_error("nik", error.message(_language()))
        return data


def _language() -> str:
    return "en" if get_language() == "en" else "id"


