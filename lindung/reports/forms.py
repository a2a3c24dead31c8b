from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.reports.models import Innovation, Regulation


class RegulationForm(forms.ModelForm):
    class Meta:
        model = Regulation
        fields = ["kind", "number", "issued_on", "title"]
        widgets = {"issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {"number": _("As written on the regulation, e.g. 12 Tahun 2025.")}


class InnovationForm(forms.ModelForm):
    class Meta:
        model = Innovation
        fields = ["title", "year", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def clean_year(self):
        year = self.cleaned_data["year"]
        if not 1900 <= year <= 2999:
            raise forms.ValidationError(_("Give the year the innovation started, e.g. 2025."))
        return year
