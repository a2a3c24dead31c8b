from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lindung.programmes.rates import Rate


class PayerKind(models.TextChoices):
    APBD = "apbd", _("regional budget (APBD)")
    APBN = "apbn", _("national budget (APBN)")
    SELF = "self", _("the worker")
    SPONSOR = "sponsor", _("sponsor (CSR, village fund)")


class Programme(models.Model):
    code = models.CharField(_("code"), max_length=8, primary_key=True)
    name_id = models.CharField(_("name (Indonesian)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    compulsory = models.BooleanField(_("compulsory for BPU"), default=False)
    sort = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort", "code"]
        verbose_name = _("programme")

    def __str__(self):
        return self.code

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_id


class RateRule(models.Model):
    """A row of the shipped rate schedule (programmes/data/rates.csv), loaded by migration."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="rates")
    effective_from = models.DateField(_("effective from"))
    basis = models.CharField(_("basis"), max_length=8, choices=[("percent", _("percent of income")), ("flat", _("flat"))])
    percent_bp = models.PositiveIntegerField(_("rate (basis points of income)"), default=0)
    min_income = models.BigIntegerField(_("minimum income basis (Rp)"), default=0)
    flat_amount = models.BigIntegerField(_("flat amount (Rp)"), default=0)
    discount_percent = models.PositiveSmallIntegerField(_("discount (%)"), default=0)
    payer_kinds = models.JSONField(_("payer kinds"), default=list)
    source = models.TextField(_("source"))

    class Meta:
        ordering = ["programme__sort", "effective_from", "id"]
        verbose_name = _("rate rule")

    def as_rate(self) -> Rate:
        return Rate(
            programme=self.programme_id,
            effective_from=self.effective_from,
            basis=self.basis,
            percent_bp=self.percent_bp,
            min_income=self.min_income,
            flat_amount=self.flat_amount,
            discount_percent=self.discount_percent,
            payer_kinds=frozenset(self.payer_kinds),
            source=self.source,
        )


class Payer(models.Model):
    """Who pays contributions: the regency budget, the worker, a sponsor."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=8, choices=PayerKind.choices)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("payer")

    def __str__(self):
        return self.name


class BudgetLine(models.Model):
    """A payer's allocation for a fiscal year and programme (e.g. the APBD line for JKK+JKM in 2026)."""

    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="budget_lines")
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT)
    amount = models.BigIntegerField(_("allocation (Rp)"))
    reference = models.CharField(_("budget document"), max_length=200, blank=True)

    class Meta:
        ordering = ["fiscal_year", "payer", "programme__sort"]
        verbose_name = _("budget line")
        constraints = [
            models.UniqueConstraint(fields=["payer", "fiscal_year", "programme"], name="budgetline_unique"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="budgetline_amount_not_negative"),
        ]
