from django import forms
from django.utils.translation import gettext_lazy as _

from lindung.billing.views import month_label
from lindung.coverage.figures import Selection, paid_months
from lindung.programmes.models import Payer
from lindung.registry.models import Segment


class SelectionForm(forms.Form):
    """The dashboard's filters (GET): a month with something paid, and optionally a segment and a payer."""

    month = forms.ChoiceField(label=_("Month"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    payer = forms.ChoiceField(label=_("Payer"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.months = paid_months()
        self.fields["month"].choices = [(m, month_label(m)) for m in self.months]
        self.fields["segment"].choices = [("", _("All segments"))] + [(s.code, s.label) for s in Segment.objects.all()]
        self.fields["payer"].choices = [("", _("All payers"))] + [(str(p.pk), p.name) for p in Payer.objects.all()]

    def selection(self) -> Selection | None:
        """What to show: the valid choices, the latest paid month by default; None when nothing is paid yet."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        month = data.get("month") or (self.months[0] if self.months else None)
        if month is None:
            return None
        return Selection(month=month, segment=data.get("segment") or None, payer=int(data["payer"]) if data.get("payer") else None)

    def query(self, selection: Selection) -> str:
        """The selection as a query string, carried by drill-down links."""
        from django.utils.http import urlencode

        pairs = {"month": selection.month, "segment": selection.segment or "", "payer": selection.payer or ""}
        return urlencode({k: v for k, v in pairs.items() if v})
