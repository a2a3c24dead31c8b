from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

ACCEPTED_SUFFIXES = (".csv", ".xlsx", ".xls", ".ods")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("List of workers (CSV, XLSX, XLS or ODS)"))
    source = forms.CharField(label=_("Source"), max_length=200, required=False,
                             help_text=_("Who sent the list, e.g. Kelompok Tani Sri Rejeki, Desa Sukawijaya"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ACCEPTED_SUFFIXES:
            raise forms.ValidationError(_("Only CSV, XLSX, XLS and ODS files can be read."))
        if upload.size > settings.LINDUNG_UPLOAD_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": settings.LINDUNG_UPLOAD_MAX_MB})
        return upload
