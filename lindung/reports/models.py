"""What the officer enters for the Paritrana self-assessment: the regency's regulations and innovations."""
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RegulationKind(models.TextChoices):
    PERDA = "perda", _("regional regulation (Perda)")
    PERBUP = "perbup", _("regent regulation (Perbup/Perwal)")
    DECREE = "decree", _("regent decree (Keputusan)")
    CIRCULAR = "circular", _("circular (Surat Edaran)")
    INSTRUCTION = "instruction", _("instruction (Instruksi)")
    OTHER = "other", _("other")


class Recorded(models.Model):
    """Who recorded it, and when."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        abstract = True


class Regulation(Recorded):
    """A regulation of the regency on social security for workers (its title, number, date and kind)."""

    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("number"), max_length=100)
    issued_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=12, choices=RegulationKind.choices)

    class Meta:
        ordering = ["issued_on", "number"]
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")

    def __str__(self):
        return f"{self.number} {self.title}"


class Innovation(Recorded):
    """An innovation the regency made to protect its workers (what it is, and the year it started)."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"))
    year = models.PositiveSmallIntegerField(_("year"))

    class Meta:
        ordering = ["year", "title"]
        verbose_name = _("innovation")
        verbose_name_plural = _("innovations")

    def __str__(self):
        return f"{self.year} {self.title}"
